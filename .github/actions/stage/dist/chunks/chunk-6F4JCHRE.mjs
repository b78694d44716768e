import { createRequire as __factoryRequire } from 'node:module'; const require = __factoryRequire(import.meta.url);
import{dayOf}from"./chunk-IF6HODWZ.mjs";function today(clock){return dayOf(clock.now?.()??new Date)}export{today};
