import { createRequire as __factoryRequire } from 'node:module'; const require = __factoryRequire(import.meta.url);
import{dayOf}from"./chunk-5D5HHDFE.mjs";function today(clock){return dayOf(clock.now?.()??new Date)}export{today};
