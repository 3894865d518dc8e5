// The report's charts as vectors in the PDF: Apache ECharts (the pages' chart library) renders each chart to SVG on
// the server, svg-to-pdfkit draws that SVG into the pdfkit document as paths and text in the embedded CJK font.
// One library for pages and PDF; no chart is drawn by hand.
import * as echarts from 'echarts';
import SVGtoPDF from 'svg-to-pdfkit';
import type { ReportChart } from '../domain/chart-spec.js';
import { chartOption } from './chart-options.js';

type Doc = PDFKit.PDFDocument;

export interface ChartBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * The chart as an SVG document of width × height (1 SVG pixel = 1 PDF point). A fresh instance each time, disposed
 * at once: a kept instance runs zrender's animation loop (a 16 ms timer) for ever once an option is set.
 */
export function chartSvg(chart: ReportChart, width: number, height: number): string {
  const instance = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    instance.setOption(chartOption(chart));
    return instance.renderToSVGString();
  } finally {
    instance.dispose();
  }
}

/**
 * Draws the chart into the box. Text goes out in the document's registered fonts: `bold` for bold text, `regular`
 * otherwise (the CJK font the rest of the report uses), so Chinese renders and stays searchable.
 */
export function drawChart(doc: Doc, chart: ReportChart, box: ChartBox): void {
  const svg = chartSvg(chart, box.width, box.height);
  SVGtoPDF(doc as unknown as Parameters<typeof SVGtoPDF>[0], svg, box.x, box.y, {
    width: box.width,
    height: box.height,
    assumePt: true,
    fontCallback: (_family, bold) => (bold ? 'bold' : 'regular'),
  });
}
