package io.mlsys.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a String component of a kind's options record that receives the key the kind was written
 * under; it is not a key itself. Several kinds of a {@link ConfigFamily} may then share one options
 * record, such as the transforms that plug-ins add by name ({@code clip: {max: 6}}), and still be
 * told apart. Bound outside a family, the component is null.
 */
@Target({ElementType.RECORD_COMPONENT, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
public @interface ConfigKindName {}
