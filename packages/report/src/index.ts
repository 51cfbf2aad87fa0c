export { renderReport, type Section, type Block, type ReportDocument } from './html';
export { confusionMatrix, scatter, stackedBars, bars, groupedBars, bitLayout, MAX_PLOT_WIDTH } from './plots';
export { chromiumPath, renderInChromium, type RenderCheck, type PlotCheck } from './chromium';
export { wilsonInterval, pairedDifferenceInterval, type Interval } from './stats';
