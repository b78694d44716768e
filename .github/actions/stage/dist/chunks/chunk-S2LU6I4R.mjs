import { createRequire as __factoryRequire } from 'node:module'; const require = __factoryRequire(import.meta.url);
function requirePrInputs(inputs){if(inputs.pr===void 0||inputs.expectedHeadSha===void 0)throw new Error(`the ${inputs.job} job needs the inputs pr and expected-head-sha`);return{pr:inputs.pr,expectedHeadSha:inputs.expectedHeadSha}}export{requirePrInputs};
