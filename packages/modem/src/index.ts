export { modemSources, modemIncludeDirs } from './c-sources';
export { cTableOf } from './command-sets';
export { TEST_DEVICE } from './network';
export { buildUplinkFirmware, runWithModem } from './chain';
