package io.mlsys.deploy;

import io.mlsys.core.InvalidInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;

/**
 * The server as packaged: {@code mlsys.jar}, whose manifest names its main class and lists its
 * runtime jars ({@code Class-Path: lib/...}), split into third-party dependencies and this
 * project's own jars so that each is its own image layer (dependencies change least often).
 *
 * @param mainJar the runnable jar
 * @param dependencies third-party jars, in class path order
 * @param projectJars this project's jars (group {@value #PROJECT_GROUP}), in class path order
 */
public record ServerApplication(Path mainJar, List<Path> dependencies, List<Path> projectJars) {
  /** The Maven group of this project's jars, as their {@code META-INF/maven/} folder names it. */
  public static final String PROJECT_GROUP = "io.mlsys";

  public ServerApplication {
    dependencies = List.copyOf(dependencies);
    projectJars = List.copyOf(projectJars);
  }

  /**
   * Reads a runnable jar's manifest and sorts its class path.
   *
   * @throws InvalidInputException naming {@code option} when the jar is missing, not runnable, or a
   *     jar it lists is missing
   */
  public static ServerApplication fromJar(Path jar, String option) {
    Path mainJar = jar.toAbsolutePath().normalize();
    if (!Files.isRegularFile(mainJar)) {
      throw new InvalidInputException(
          option, mainJar + " does not exist (expected: the packaged mlsys.jar)");
    }
    String classPath;
    try (JarFile file = new JarFile(mainJar.toFile())) {
      Attributes attributes =
          file.getManifest() == null ? null : file.getManifest().getMainAttributes();
      if (attributes == null || attributes.getValue(Attributes.Name.MAIN_CLASS) == null) {
        throw new InvalidInputException(
            option, mainJar + " has no Main-Class (expected: the packaged mlsys.jar)");
      }
      classPath = attributes.getValue(Attributes.Name.CLASS_PATH);
    } catch (IOException e) {
      throw new InvalidInputException(option, mainJar + " is not a jar: " + e.getMessage());
    }
    List<Path> dependencies = new ArrayList<>();
    List<Path> projectJars = new ArrayList<>();
    if (classPath != null) {
      for (String entry : classPath.trim().split("\\s+")) {
        Path dependency = mainJar.resolveSibling(entry).normalize();
        if (!Files.isRegularFile(dependency)) {
          throw new InvalidInputException(
              option,
              mainJar
                  + " lists "
                  + entry
                  + ", which is missing (expected: "
                  + dependency
                  + " beside it, as the build copies it)");
        }
        (isProjectJar(dependency) ? projectJars : dependencies).add(dependency);
      }
    }
    return new ServerApplication(mainJar, dependencies, projectJars);
  }

  /** Whether Maven packaged the jar for this project's group. */
  static boolean isProjectJar(Path jar) {
    try (JarFile file = new JarFile(jar.toFile())) {
      String folder = "META-INF/maven/" + PROJECT_GROUP + "/";
      return file.stream().anyMatch(entry -> entry.getName().startsWith(folder));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + jar, e);
    }
  }
}
