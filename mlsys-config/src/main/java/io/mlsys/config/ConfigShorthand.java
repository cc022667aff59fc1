package io.mlsys.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a public static method of a config type that builds it from a scalar written in place of
 * the mapping, such as {@code model: iris} for {@code model: {name: iris}} or a rule's text for a
 * compiled rule. It takes one String (or, for numbers and booleans written as such, the JSON
 * scalar's text); a {@link ConfigException} or {@link IllegalArgumentException} it throws becomes a
 * violation at the value's key path.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
public @interface ConfigShorthand {
  /** Whether the type is written only this way, never as a mapping (a rule is only its text). */
  boolean only() default false;
}
