package io.mlsys.cli;

import picocli.CommandLine.IVersionProvider;

/** Reads the version from the jar manifest (or says "dev" when run from classes). */
final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = Main.class.getPackage().getImplementationVersion();
    return new String[] {
      "mlsys " + (version == null ? "dev" : version),
      "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"
    };
  }
}
