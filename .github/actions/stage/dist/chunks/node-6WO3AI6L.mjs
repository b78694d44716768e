import { createRequire as __factoryRequire } from 'node:module'; const require = __factoryRequire(import.meta.url);
import{child_process,crypto,fs,os,path,stream,util}from"./chunk-T6H5ZJJM.mjs";import"./chunk-NKZCBIWX.mjs";export{child_process,crypto,fs,os,path,stream,util};
