package dev.mailwarden.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailwarden.MailWarden;
import java.io.IOException;
import java.lang.module.ModuleFinder;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Micrometer is optional: only dev.mailwarden.metrics may refer to it. */
class CoreWithoutMicrometerTest {

  private static Path coreClasses() throws Exception {
    return Path.of(MailWarden.class.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  @Test
  void noCoreClassOutsideTheMetricsPackage_refersToMicrometer() throws Exception {
    Path root = coreClasses();
    List<String> offenders = new ArrayList<>();
    int scanned = 0;
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
        String rel = root.relativize(p).toString().replace('\\', '/');
        byte[] bytes = Files.readAllBytes(p);
        boolean refers = new String(bytes, StandardCharsets.ISO_8859_1).contains("io/micrometer/");
        if (rel.startsWith("dev/mailwarden/metrics/")) {
          continue;
        }
        scanned++;
        if (refers) {
          offenders.add(rel);
        }
      }
    }
    assertThat(scanned).as("core classes scanned").isGreaterThan(50);
    assertThat(offenders).isEmpty();
    // the scan would see a reference: the binder itself has them
    byte[] binder =
        Files.readAllBytes(root.resolve("dev/mailwarden/metrics/MailwardenMetrics.class"));
    assertThat(new String(binder, StandardCharsets.ISO_8859_1)).contains("io/micrometer/");
  }

  @Test
  void anEvaluationRuns_withNoMicrometerOnTheClassPath() throws Exception {
    List<URL> urls = new ArrayList<>();
    urls.add(coreClasses().toUri().toURL());
    for (String probe :
        List.of(
            "org.xbill.DNS.Message",
            "org.slf4j.LoggerFactory",
            "org.jspecify.annotations.NullMarked",
            "com.github.benmanes.caffeine.cache.Caffeine",
            "com.google.common.net.InternetDomainName")) {
      urls.add(Class.forName(probe).getProtectionDomain().getCodeSource().getLocation());
    }
    try (URLClassLoader isolated = new URLClassLoader(urls.toArray(URL[]::new), jdkOnly())) {
      assertThatThrownBy(
              () -> Class.forName("io.micrometer.core.instrument.MeterRegistry", false, isolated))
          .isInstanceOf(ClassNotFoundException.class);

      Object zone = call(call(isolated, "dev.mailwarden.dns.ZoneResolver", "builder"), "build");
      Object sessionBuilder = call(isolated, "dev.mailwarden.MailSession", "builder");
      call(sessionBuilder, "clientIp", InetAddress.getByName("192.0.2.1"));
      call(sessionBuilder, "helo", "mail.example.com");
      Object session = call(sessionBuilder, "build");
      Object runtimeBuilder = call(isolated, "dev.mailwarden.MailwardenRuntime", "builder");
      call(runtimeBuilder, "dns", zone);
      Object runtime = call(runtimeBuilder, "build");
      Object wardenBuilder =
          Class.forName("dev.mailwarden.MailWarden", true, isolated)
              .getMethod("builder", runtime.getClass())
              .invoke(null, runtime);
      Object evaluation = call(call(wardenBuilder, "build"), "evaluateAndWait", session);
      call(runtime, "close");

      assertThat(call(evaluation, "verdict").toString()).isEqualTo("ACCEPT");
      assertThat(((Class<?>) call(evaluation, "getClass")).getClassLoader()).isSameAs(isolated);
      // only the binder needs Micrometer
      Class<?> metrics = Class.forName("dev.mailwarden.metrics.MailwardenMetrics", false, isolated);
      assertThatThrownBy(() -> metrics.getMethods()).isInstanceOf(NoClassDefFoundError.class);
    }
  }

  /**
   * A parent that sees the JDK's own modules and nothing else. The platform loader alone is not
   * enough when the tests run on the module path: it hands packages of the application's named
   * modules (Micrometer, this module) to the application loader.
   */
  private static ClassLoader jdkOnly() {
    Set<String> jdkPackages = new HashSet<>();
    ModuleFinder.ofSystem()
        .findAll()
        .forEach(module -> jdkPackages.addAll(module.descriptor().packages()));
    ClassLoader platform = ClassLoader.getPlatformClassLoader();
    return new ClassLoader("jdk-only", null) {
      @Override
      protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        int dot = name.lastIndexOf('.');
        if (dot < 0 || !jdkPackages.contains(name.substring(0, dot))) {
          throw new ClassNotFoundException(name);
        }
        return platform.loadClass(name);
      }
    };
  }

  private static Object call(ClassLoader loader, String type, String method) throws Exception {
    return Class.forName(type, true, loader).getMethod(method).invoke(null);
  }

  private static Object call(Object target, String method, Object... args) throws Exception {
    for (Method m : target.getClass().getMethods()) {
      if (m.getName().equals(method) && m.getParameterCount() == args.length) {
        if (args.length == 1 && !m.getParameterTypes()[0].isInstance(args[0])) {
          continue;
        }
        return m.invoke(target, args);
      }
    }
    throw new IOException("no method " + method + " on " + target.getClass());
  }
}
