import { createRequire as __factoryRequire } from 'node:module'; const require = __factoryRequire(import.meta.url);
