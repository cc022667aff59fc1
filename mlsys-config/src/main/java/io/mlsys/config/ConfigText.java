package io.mlsys.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a String component that also takes a YAML integer as its text, such as a model version
 * written {@code version: 3}. Every other String component refuses numbers and booleans.
 */
@Target({ElementType.RECORD_COMPONENT, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
public @interface ConfigText {}
