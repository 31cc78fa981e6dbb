package dev.mailwarden.examples.milter;

/**
 * Constants of the Sendmail milter protocol, version 6 (as spoken by Sendmail 8.14+ and Postfix
 * 2.6+). Every frame is a 4-byte big-endian length (counting the command byte), one command byte
 * and the command's data; strings are NUL-terminated.
 */
public final class MilterProtocol {
  private MilterProtocol() {}

  /** The only protocol version we speak. */
  public static final int VERSION = 6;

  // commands, MTA to milter
  public static final byte SMFIC_ABORT = 'A';
  public static final byte SMFIC_BODY = 'B';
  public static final byte SMFIC_CONNECT = 'C';
  public static final byte SMFIC_MACRO = 'D';
  public static final byte SMFIC_BODYEOB = 'E';
  public static final byte SMFIC_HELO = 'H';
  public static final byte SMFIC_QUIT_NC = 'K';
  public static final byte SMFIC_HEADER = 'L';
  public static final byte SMFIC_MAIL = 'M';
  public static final byte SMFIC_EOH = 'N';
  public static final byte SMFIC_OPTNEG = 'O';
  public static final byte SMFIC_QUIT = 'Q';
  public static final byte SMFIC_RCPT = 'R';
  public static final byte SMFIC_DATA = 'T';
  public static final byte SMFIC_UNKNOWN = 'U';

  // responses, milter to MTA
  public static final byte SMFIR_ADDRCPT = '+';
  public static final byte SMFIR_DELRCPT = '-';
  public static final byte SMFIR_ACCEPT = 'a';
  public static final byte SMFIR_REPLBODY = 'b';
  public static final byte SMFIR_CONTINUE = 'c';
  public static final byte SMFIR_DISCARD = 'd';
  public static final byte SMFIR_CHGFROM = 'e';
  public static final byte SMFIR_ADDHEADER = 'h';
  public static final byte SMFIR_INSHEADER = 'i';
  public static final byte SMFIR_CHGHEADER = 'm';
  public static final byte SMFIR_OPTNEG = 'O';
  public static final byte SMFIR_PROGRESS = 'p';
  public static final byte SMFIR_QUARANTINE = 'q';
  public static final byte SMFIR_REJECT = 'r';
  public static final byte SMFIR_TEMPFAIL = 't';
  public static final byte SMFIR_REPLYCODE = 'y';

  // actions the milter may take (negotiated)
  public static final int SMFIF_ADDHDRS = 0x01;
  public static final int SMFIF_CHGBODY = 0x02;
  public static final int SMFIF_ADDRCPT = 0x04;
  public static final int SMFIF_DELRCPT = 0x08;
  public static final int SMFIF_CHGHDRS = 0x10;
  public static final int SMFIF_QUARANTINE = 0x20;

  // protocol steps: what the MTA should not send, or not wait for a reply to (negotiated)
  public static final int SMFIP_NOCONNECT = 0x01;
  public static final int SMFIP_NOHELO = 0x02;
  public static final int SMFIP_NOMAIL = 0x04;
  public static final int SMFIP_NORCPT = 0x08;
  public static final int SMFIP_NOBODY = 0x10;
  public static final int SMFIP_NOHDRS = 0x20;
  public static final int SMFIP_NOEOH = 0x40;
  public static final int SMFIP_NR_HDR = 0x80;
  public static final int SMFIP_NOUNKNOWN = 0x100;
  public static final int SMFIP_NODATA = 0x200;
  public static final int SMFIP_SKIP = 0x400;
  public static final int SMFIP_RCPT_REJ = 0x800;
  public static final int SMFIP_NR_CONN = 0x1000;
  public static final int SMFIP_NR_HELO = 0x2000;
  public static final int SMFIP_NR_MAIL = 0x4000;
  public static final int SMFIP_NR_RCPT = 0x8000;
  public static final int SMFIP_NR_DATA = 0x10000;
  public static final int SMFIP_NR_UNKN = 0x20000;
  public static final int SMFIP_NR_EOH = 0x40000;
  public static final int SMFIP_NR_BODY = 0x80000;
  public static final int SMFIP_HDR_LEADSPC = 0x100000;

  /** The largest body chunk an MTA sends (libmilter's MILTER_CHUNK_SIZE). */
  public static final int CHUNK_SIZE = 65535;
}
