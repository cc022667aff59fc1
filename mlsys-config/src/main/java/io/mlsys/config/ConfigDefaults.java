package io.mlsys.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the public static no-argument method of a config record that returns its defaults. When a
 * key is absent, the binder takes that component's value from the defaults, so a primitive such as
 * {@code max-batch-size} gets its documented default instead of 0. Without such a method an absent
 * key is null (the record's constructor decides) or, for a primitive, a "missing" violation.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
public @interface ConfigDefaults {}
