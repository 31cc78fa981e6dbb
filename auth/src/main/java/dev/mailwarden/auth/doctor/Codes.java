package dev.mailwarden.auth.doctor;

import java.util.List;

/**
 * The stable codes of {@link DoctorFinding#code()}. They are a contract: scripts and CI match on
 * them. Severity in brackets.
 */
public final class Codes {
  private Codes() {}

  // ---- reverse DNS and HELO ----------------------------------------------------------------
  /** [error] The address has no PTR record. */
  public static final String PTR_MISSING = "ptr-missing";

  /** [error] No PTR name resolves back to the address (forward-confirmed reverse DNS fails). */
  public static final String FCRDNS_MISMATCH = "fcrdns-mismatch";

  /** [warning] The PTR name looks dynamic or generic (address embedded, dsl, pool, dyn, ...). */
  public static final String PTR_GENERIC = "ptr-generic";

  /** [warning] The HELO name does not resolve to the address. */
  public static final String HELO_MISMATCH = "helo-mismatch";

  /**
   * [error or warning] Another HELO finding of {@code Helo.check()}: {@code helo-} followed by its
   * token, e.g. {@code helo-not-fqdn}, {@code helo-unresolvable}, {@code helo-dynamic-helo}.
   */
  public static final String HELO_PREFIX = "helo-";

  // ---- blocklists --------------------------------------------------------------------------
  /** [error] A blocklist lists the address; one finding per list, with what its code means. */
  public static final String LISTED = "listed";

  /**
   * [warning] The list refuses the query (Spamhaus 127.255.255.254, rate limit .255): you query
   * through a public or open resolver, so the listing is unknown.
   */
  public static final String PUBLIC_RESOLVER = "public-resolver";

  /** [warning] A list answered with another error code (typo zone, invalid DQS key, ...). */
  public static final String DNSBL_ERROR = "dnsbl-error";

  // ---- SPF ---------------------------------------------------------------------------------
  /** [error] The domain has no SPF record. */
  public static final String SPF_MISSING = "spf-missing";

  /** [error] The domain (or an included domain) has more than one SPF record: permerror. */
  public static final String SPF_MULTIPLE = "spf-multiple";

  /** [error] An SPF record in the tree does not parse: permerror. */
  public static final String SPF_SYNTAX = "spf-syntax";

  /** [error] An include: or redirect= target has no SPF record (or is not a domain): permerror. */
  public static final String SPF_INCLUDE_MISSING = "spf-include-missing";

  /** [error] SPF does not pass for the address. */
  public static final String SPF_IP_NOT_AUTHORIZED = "spf-ip-not-authorized";

  /**
   * [error] The worst case over the whole include tree, counted statically, needs more than 10
   * DNS-querying terms, more than 2 void lookups, an mx with more than 10 names, or loops.
   */
  public static final String SPF_TOO_MANY_LOOKUPS = "spf-too-many-lookups";

  /** [error for +all, warning for ?all] The record ends in {@code +all} or {@code ?all}. */
  public static final String SPF_PERMISSIVE_ALL = "spf-permissive-all";

  /** [warning] The record uses the {@code ptr} mechanism (RFC 7208 section 5.5: do not). */
  public static final String SPF_PTR = "spf-ptr";

  /** [error] SPF evaluation gives permerror for a reason the static checks did not name. */
  public static final String SPF_PERMERROR = "spf-permerror";

  // ---- DKIM --------------------------------------------------------------------------------
  /** [error] No key record at {@code <selector>._domainkey.<domain>}. */
  public static final String DKIM_KEY_MISSING = "dkim-key-missing";

  /** [error] The key record is unusable (revoked, not base64, several records, ...). */
  public static final String DKIM_KEY_INVALID = "dkim-key-invalid";

  /** [warning below 2048 bits, error below 1024] An RSA key is too short. */
  public static final String DKIM_KEY_WEAK = "dkim-key-weak";

  /** [warning] The key record says {@code t=y}: receivers may ignore failures. */
  public static final String DKIM_TESTING = "dkim-testing";

  /** [info] No selector was given, so no DKIM key was checked. */
  public static final String DKIM_NOT_CHECKED = "dkim-not-checked";

  // ---- DMARC -------------------------------------------------------------------------------
  /** [error] No DMARC record for the domain (nor its organisational domain). */
  public static final String DMARC_MISSING = "dmarc-missing";

  /** [error] The DMARC record is unusable, or there are several. */
  public static final String DMARC_INVALID = "dmarc-invalid";

  /** [warning] {@code p=none}: receivers take no action against spoofed mail. */
  public static final String DMARC_P_NONE = "dmarc-p-none";

  /** [warning] No {@code rua=}: you get no aggregate reports. */
  public static final String DMARC_NO_RUA = "dmarc-no-rua";

  /**
   * [warning] A {@code rua=} destination in another organisational domain does not publish {@code
   * <domain>._report._dmarc.<destination>} (RFC 7489 section 7.1): reports are not sent.
   */
  public static final String DMARC_RUA_UNAUTHORIZED = "dmarc-rua-unauthorized";

  // ---- MX ----------------------------------------------------------------------------------
  /** [warning with an address record, error without] The domain has no MX record. */
  public static final String MX_MISSING = "mx-missing";

  /**
   * [error] The domain publishes a null MX (RFC 7505): it accepts no mail, bounces cannot reach it.
   */
  public static final String MX_NULL = "mx-null";

  /** [error] An MX target is a CNAME (RFC 2181 section 10.3). */
  public static final String MX_CNAME = "mx-cname";

  /** [error] An MX target has no A or AAAA record. */
  public static final String MX_NO_ADDRESS = "mx-no-address";

  // ---- the examination itself --------------------------------------------------------------
  /**
   * [error] A lookup failed (SERVFAIL, TIMEOUT, REFUSED) or missed the deadline: not an all clear.
   */
  public static final String DNS_ERROR = "dns-error";

  /** [error] One part of the examination failed unexpectedly (a bug; the message says which). */
  public static final String CHECK_FAILED = "check-failed";

  /** Every fixed code above ({@link #HELO_PREFIX} codes excepted), in this order. */
  public static final List<String> ALL =
      List.of(
          PTR_MISSING,
          FCRDNS_MISMATCH,
          PTR_GENERIC,
          HELO_MISMATCH,
          LISTED,
          PUBLIC_RESOLVER,
          DNSBL_ERROR,
          SPF_MISSING,
          SPF_MULTIPLE,
          SPF_SYNTAX,
          SPF_INCLUDE_MISSING,
          SPF_IP_NOT_AUTHORIZED,
          SPF_TOO_MANY_LOOKUPS,
          SPF_PERMISSIVE_ALL,
          SPF_PTR,
          SPF_PERMERROR,
          DKIM_KEY_MISSING,
          DKIM_KEY_INVALID,
          DKIM_KEY_WEAK,
          DKIM_TESTING,
          DKIM_NOT_CHECKED,
          DMARC_MISSING,
          DMARC_INVALID,
          DMARC_P_NONE,
          DMARC_NO_RUA,
          DMARC_RUA_UNAUTHORIZED,
          MX_MISSING,
          MX_NULL,
          MX_CNAME,
          MX_NO_ADDRESS,
          DNS_ERROR,
          CHECK_FAILED);
}
