package io.mlsys.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a record component whose type is a {@link ConfigFamily}'s type and whose kind key sits in
 * the same mapping as the record's own keys: {@code {model: iris, timeout: 2s}} binds the {@code
 * model} key to the component and {@code timeout} to its sibling. Without this annotation a family
 * component has its own key, whose value is {@code {kind: options}} or the plain kind name.
 */
@Target({ElementType.RECORD_COMPONENT, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
public @interface ConfigKind {}
