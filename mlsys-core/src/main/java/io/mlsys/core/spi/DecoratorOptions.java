package io.mlsys.core.spi;

/**
 * The options of one {@link ModelDecorator} kind: a record that every decorator's options
 * implement, so config can hold a list of decorators of any kind ({@code decorators:} of a model).
 * The record validates itself in its constructor, like every config record; an absent key takes the
 * value of the record's defaults.
 */
public interface DecoratorOptions {}
