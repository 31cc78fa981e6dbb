package dev.mailwarden.auth.spf;

import dev.mailwarden.Checker;

/** The checker contract for the SPF checker on the jSPF engine. */
class SpfJspfCheckerContractTest extends SpfCheckerContractTest {
  private static final Checker<SpfResult> CHECKER = Spf.builder().engine(SpfEngine.jspf()).build();

  @Override
  protected Checker<?> checker() {
    return CHECKER;
  }
}
