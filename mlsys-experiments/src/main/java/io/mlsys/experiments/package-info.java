/**
 * Shadow A/B ({@code mirror}) and online A/B ({@code split}) testing as graph node kinds, with the
 * experiments' state, records and analysis in the store. See docs/experiments.md.
 */
package io.mlsys.experiments;
