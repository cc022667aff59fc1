package io.mlsys.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a record component whose own keys sit in the enclosing mapping, flattened: a sequence step
 * {@code {when: ..., model: iris, timeout: 2s}} holds the step's key {@code when} and the keys of
 * the node it runs.
 *
 * <p>On a {@code Map<String, V>} component it takes every key of the mapping that the record's
 * other components do not, in the order written, each bound as {@code V}: a sequence {@code {prep:
 * ..., classify: ...}} is a mapping of step names, not of keys of its own.
 */
@Target({ElementType.RECORD_COMPONENT, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
public @interface ConfigInline {}
