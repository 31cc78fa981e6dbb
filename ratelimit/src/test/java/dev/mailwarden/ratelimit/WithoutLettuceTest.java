package dev.mailwarden.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.lang.module.ModuleFinder;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Lettuce is optional: with it missing from the class path, the in-memory limiter works and asking
 * for Redis fails when the limiter is built, naming the artifact to add.
 */
class WithoutLettuceTest {

  /**
   * This module, core and their dependencies without Lettuce, from the class path and (when the
   * tests run on it) the module path, under a parent that sees only the JDK: the platform loader
   * alone would hand packages of the application's named modules to the application loader.
   */
  private static URLClassLoader classPathWithoutLettuce() throws Exception {
    List<URL> urls = new ArrayList<>();
    for (String property : List.of("jdk.module.path", "java.class.path")) {
      String path = System.getProperty(property, "");
      for (String entry : path.split(File.pathSeparator)) {
        if (!entry.isEmpty()
            && !entry.contains("lettuce")
            && !entry.contains("netty")
            && !entry.contains("reactor")) {
          urls.add(new File(entry).toURI().toURL());
        }
      }
    }
    Set<String> jdkPackages = new HashSet<>();
    ModuleFinder.ofSystem()
        .findAll()
        .forEach(module -> jdkPackages.addAll(module.descriptor().packages()));
    ClassLoader platform = ClassLoader.getPlatformClassLoader();
    ClassLoader jdkOnly =
        new ClassLoader("jdk-only", null) {
          @Override
          protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            int dot = name.lastIndexOf('.');
            if (dot < 0 || !jdkPackages.contains(name.substring(0, dot))) {
              throw new ClassNotFoundException(name);
            }
            return platform.loadClass(name);
          }
        };
    return new URLClassLoader(urls.toArray(URL[]::new), jdkOnly);
  }

  private static Object builderWithLimit(ClassLoader loader) throws Exception {
    Class<?> limiter = loader.loadClass("dev.mailwarden.ratelimit.RateLimiter");
    Class<?> limit = loader.loadClass("dev.mailwarden.ratelimit.Limit");
    Object builder = limiter.getMethod("builder").invoke(null);
    Object tenPerMinute = limit.getMethod("parse", String.class).invoke(null, "10/1m");
    builder.getClass().getMethod("limit", limit).invoke(builder, tenPerMinute);
    return builder;
  }

  @Test
  void redisWithoutLettuce_failsAtBuild_namingTheArtifact() throws Exception {
    try (URLClassLoader loader = classPathWithoutLettuce()) {
      assertThatThrownBy(() -> loader.loadClass("io.lettuce.core.RedisClient"))
          .isInstanceOf(ClassNotFoundException.class);
      Object builder = builderWithLimit(loader);
      builder.getClass().getMethod("redis", String.class).invoke(builder, "redis://127.0.0.1:6399");
      Method build = builder.getClass().getMethod("build");
      assertThatThrownBy(() -> build.invoke(builder))
          .isInstanceOf(InvocationTargetException.class)
          .cause()
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("io.lettuce:lettuce-core");
    }
  }

  @Test
  void inMemoryWithoutLettuce_works() throws Exception {
    try (URLClassLoader loader = classPathWithoutLettuce()) {
      Object builder = builderWithLimit(loader);
      Object limiter = builder.getClass().getMethod("build").invoke(builder);
      Object decision =
          limiter.getClass().getMethod("tryAcquire", String.class).invoke(limiter, "k");
      assertThat(decision.getClass().getMethod("allowed").invoke(decision)).isEqualTo(true);
    }
  }
}
