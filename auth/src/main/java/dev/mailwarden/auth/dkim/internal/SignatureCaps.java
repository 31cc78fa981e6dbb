package dev.mailwarden.auth.dkim.internal;

import org.jspecify.annotations.Nullable;

/**
 * The per-signature caps and how their refusals read: each refusal's reason contains its marker, so
 * the verifier can name the cap to the evaluation's listener ({@code CapExceeded}) without the
 * result carrying a second field. Cap names are fixed words (metrics tags), never input.
 */
public final class SignatureCaps {
  /** A DKIM-Signature field longer than {@code SignatureTags.MAX_FIELD} characters. */
  public static final String FIELD_BYTES = "dkim.signature-bytes";

  /** More {@code h=} names than {@code SignatureTags.MAX_SIGNED_HEADERS}. */
  public static final String SIGNED_HEADERS = "dkim.signed-headers";

  /** More tags in one tag-list than {@code TagList.MAX_TAGS}. */
  public static final String TAGS = "dkim.tags";

  /** An RSA key whose modulus or exponent is over {@code KeyRecord}'s caps. */
  public static final String KEY_BITS = "dkim.key-bits";

  static final String FIELD_MARKER = "DKIM-Signature field over the cap";
  static final String SIGNED_HEADERS_MARKER = "h= names over the cap";
  static final String TAGS_MARKER = "tags over the cap";
  static final String KEY_MARKER = "RSA key over the cap";

  private SignatureCaps() {}

  /** The cap a signature's refusal names, or null when it names none. */
  public static @Nullable String capOf(String reason) {
    if (reason.contains(FIELD_MARKER)) {
      return FIELD_BYTES;
    }
    if (reason.contains(SIGNED_HEADERS_MARKER)) {
      return SIGNED_HEADERS;
    }
    if (reason.contains(TAGS_MARKER)) {
      return TAGS;
    }
    return reason.contains(KEY_MARKER) ? KEY_BITS : null;
  }
}
