// The checks live with the policies, which validate their own options; the client's options use them too.
export { MAX_TIMER_MS, checkObject, duration, fail, integer, ratio } from '../../policies/validate.js';
