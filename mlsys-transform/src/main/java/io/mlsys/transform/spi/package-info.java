/** The service provider interface for custom transform steps. */
package io.mlsys.transform.spi;
