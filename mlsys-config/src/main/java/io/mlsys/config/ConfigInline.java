package io.mlsys.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a record component whose own keys sit in the enclosing mapping, flattened: a sequence step
 * {@code {when: ..., model: iris, timeout: 2s}} holds the step's key {@code when} and the keys of
 * the node it runs.
 */
@Target({ElementType.RECORD_COMPONENT, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
public @interface ConfigInline {}
