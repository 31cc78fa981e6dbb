package dev.mailwarden.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where tests find what lives outside the project: Debian server binaries and the conformance
 * suites. Missing pieces skip the test with a message naming what to install, except under {@code
 * CI=true}, where they fail it: CI must run everything.
 */
public final class Environment {
  private Environment() {}

  /** True when running under CI ({@code CI=true}). */
  public static boolean isCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  /**
   * The absolute path of a server binary from a Debian package, e.g. {@code requireBinary("nsd",
   * "nsd")}. Looks in /usr/sbin, /usr/bin, /sbin, /bin and PATH. Skips the test (fails under CI)
   * when absent.
   */
  public static Path requireBinary(String binary, String debianPackage) {
    Optional<Path> found = findBinary(binary);
    String message =
        binary
            + " not found: install the Debian package '"
            + debianPackage
            + "' (apt-get install -y "
            + debianPackage
            + ")";
    if (found.isEmpty() && isCi()) {
      throw new AssertionError(message + " — required under CI=true");
    }
    assumeTrue(found.isPresent(), message);
    return found.get();
  }

  /** The path of a binary if installed. */
  public static Optional<Path> findBinary(String binary) {
    for (String dir :
        List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/sbin", "/usr/local/bin")) {
      Path p = Path.of(dir, binary);
      if (Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(":")) {
        if (!dir.isEmpty()) {
          Path p = Path.of(dir, binary);
          if (Files.isExecutable(p)) {
            return Optional.of(p);
          }
        }
      }
    }
    return Optional.empty();
  }

  /**
   * The conformance folder {@code <dir>/<suite>} (e.g. {@code spf}), from the system property
   * {@code mailwarden.conformance.dir} (the build sets it to {@code ../shared/conformance} next to
   * the repository). Skips the test (fails under CI) when absent.
   */
  public static Path requireConformance(String suite) {
    String configured = System.getProperty("mailwarden.conformance.dir", "../shared/conformance");
    Path dir = Path.of(configured).resolve(suite).toAbsolutePath().normalize();
    String message =
        "conformance suite '"
            + suite
            + "' not found at "
            + dir
            + " (set -Dmailwarden.conformance.dir=<path to shared/conformance>)";
    if (!Files.isDirectory(dir) && isCi()) {
      throw new AssertionError(message + " — required under CI=true");
    }
    assumeTrue(Files.isDirectory(dir), message);
    return dir;
  }
}
