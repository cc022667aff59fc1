/**
 * Self-contained HTML reports: inline SVG charts ({@link io.mlsys.report.SvgChart}) and escaping.
 */
package io.mlsys.report;
