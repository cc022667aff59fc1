package io.mlsys.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.core.InvalidInputException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerApplicationTest {
  @TempDir Path dir;

  private static void jar(Path file, String mainClass, String classPath, String mavenFolder)
      throws IOException {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    if (mainClass != null) {
      manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass);
    }
    if (classPath != null) {
      manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath);
    }
    Files.createDirectories(file.getParent());
    try (OutputStream out = Files.newOutputStream(file);
        JarOutputStream jar = new JarOutputStream(out, manifest)) {
      if (mavenFolder != null) {
        jar.putNextEntry(new JarEntry(mavenFolder + "pom.properties"));
        jar.write("version=1\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        jar.closeEntry();
      }
    }
  }

  @Test
  void theManifestsClassPathIsSplitIntoDependenciesAndProjectJars() throws Exception {
    jar(dir.resolve("lib/picocli.jar"), null, null, "META-INF/maven/info.picocli/picocli/");
    jar(dir.resolve("lib/mlsys-core.jar"), null, null, "META-INF/maven/io.mlsys/mlsys-core/");
    jar(dir.resolve("mlsys.jar"), "io.mlsys.cli.Main", "lib/picocli.jar lib/mlsys-core.jar", null);

    ServerApplication server = ServerApplication.fromJar(dir.resolve("mlsys.jar"), "--server-jar");

    assertThat(server.dependencies()).containsExactly(dir.resolve("lib/picocli.jar"));
    assertThat(server.projectJars()).containsExactly(dir.resolve("lib/mlsys-core.jar"));
  }

  @Test
  void aMissingListedJarIsNamed() throws Exception {
    jar(dir.resolve("mlsys.jar"), "io.mlsys.cli.Main", "lib/gone.jar", null);

    assertThatThrownBy(() -> ServerApplication.fromJar(dir.resolve("mlsys.jar"), "--server-jar"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("--server-jar: ")
        .hasMessageContaining("lists lib/gone.jar, which is missing");
  }

  @Test
  void aJarWithoutMainClassIsNotTheServer() throws Exception {
    jar(dir.resolve("other.jar"), null, null, null);

    assertThatThrownBy(() -> ServerApplication.fromJar(dir.resolve("other.jar"), "--server-jar"))
        .hasMessageContaining("has no Main-Class (expected: the packaged mlsys.jar)");
    assertThatThrownBy(() -> ServerApplication.fromJar(dir.resolve("none.jar"), "--server-jar"))
        .hasMessageContaining("does not exist");
  }
}
