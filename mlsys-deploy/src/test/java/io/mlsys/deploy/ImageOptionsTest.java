package io.mlsys.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.core.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --to} and {@code --base} as the command line gives them. */
class ImageOptionsTest {
  @TempDir Path dir;

  @Test
  void archivesAndRegistryReferencesAreTargets() {
    assertThat(ImageTarget.parse("oci-archive:" + dir.resolve("iris.tar"), "--to"))
        .isEqualTo(new ImageTarget.OciArchive(dir.resolve("iris.tar")));
    assertThat(ImageTarget.parse("docker-archive:" + dir.resolve("iris.tar"), "--to"))
        .isEqualTo(new ImageTarget.DockerArchive(dir.resolve("iris.tar")));
    assertThat(ImageTarget.parse("ghcr.io/acme/iris:1", "--to"))
        .isEqualTo(new ImageTarget.Registry("ghcr.io/acme/iris:1"));
  }

  @Test
  void aBadTargetNamesTheOption() {
    assertThatThrownBy(() -> ImageTarget.parse("Not An Image!", "--to"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("--to: 'Not An Image!' is not an image reference (expected: ");
    assertThatThrownBy(() -> ImageTarget.parse("oci:" + dir + ":iris", "--to"))
        .hasMessageContaining("is not a target Jib can write");
    assertThatThrownBy(() -> ImageTarget.parse("oci-archive:", "--to"))
        .hasMessageContaining("names no file");
    assertThatThrownBy(
            () -> ImageTarget.parse("oci-archive:" + dir.resolve("missing/iris.tar"), "--to"))
        .hasMessageStartingWith("--to: ")
        .hasMessageContaining("does not exist");
  }

  @Test
  void basesAreRegistryImagesArchivesOrDaemonImages() throws Exception {
    Path archive = Files.writeString(dir.resolve("base.tar"), "tar");

    assertThat(BaseImage.parse(BaseImage.DEFAULT, "--base"))
        .isEqualTo(new BaseImage.Registry("eclipse-temurin:21-jre"));
    assertThat(BaseImage.parse("docker-archive:" + archive, "--base"))
        .isEqualTo(new BaseImage.DockerArchive(archive));
    assertThat(BaseImage.parse("tar://" + archive, "--base"))
        .isEqualTo(new BaseImage.DockerArchive(archive));
    assertThat(BaseImage.parse("docker://my-jre:21", "--base"))
        .isEqualTo(new BaseImage.DockerDaemon("my-jre:21"));
  }

  @Test
  void aMissingBaseArchiveNamesTheOptionAndTheFile() {
    Path missing = dir.resolve("no-base.tar");

    assertThatThrownBy(() -> BaseImage.parse("docker-archive:" + missing, "--base"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith(
            "--base: 'docker-archive:" + missing + "': no such file " + missing);
  }
}
