export { renderReport, type Section } from './html';
export { confusionMatrix, scatter, stackedBars, bars, bitLayout } from './plots';
export { chromiumPath, renderInChromium } from './chromium';
