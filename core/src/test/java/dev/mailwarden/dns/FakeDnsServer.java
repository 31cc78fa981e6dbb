package dev.mailwarden.dns;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import org.xbill.DNS.Message;

/**
 * A scripted DNS server on 127.0.0.1 (UDP and TCP on the same port) for unit tests. The handler
 * turns each query into the datagrams to send back (none for silence); TCP queries get the {@code
 * tcpHandler}'s first reply.
 */
final class FakeDnsServer implements AutoCloseable {
  /** Replies to send for one query. */
  @FunctionalInterface
  interface Handler {
    List<byte[]> reply(Message query) throws IOException;
  }

  final DatagramSocket udp;
  final ServerSocket tcp;
  final List<Message> udpQueries =
      java.util.Collections.synchronizedList(new java.util.ArrayList<>());
  final List<Integer> udpSourcePorts =
      java.util.Collections.synchronizedList(new java.util.ArrayList<>());
  final List<Message> tcpQueries =
      java.util.Collections.synchronizedList(new java.util.ArrayList<>());
  private final Thread udpThread;
  private final Thread tcpThread;
  volatile Handler handler;
  volatile Handler tcpHandler;

  /** When set, replies are sent from this socket instead (a spoofer on another port). */
  volatile DatagramSocket replyFrom;

  /** Where the query being handled came from; read by handlers, on the server's thread. */
  volatile InetSocketAddress currentSource;

  FakeDnsServer(Handler handler) {
    this.handler = handler;
    this.tcpHandler = handler;
    DatagramSocket u = null;
    ServerSocket t = null;
    for (int i = 0; i < 50 && t == null; i++) {
      try {
        u = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        t = new ServerSocket(u.getLocalPort(), 10, InetAddress.getLoopbackAddress());
      } catch (IOException e) {
        if (u != null) {
          u.close();
        }
        t = null;
      }
    }
    if (t == null) {
      throw new IllegalStateException("no free port for the fake DNS server");
    }
    this.udp = u;
    this.tcp = t;
    udpThread = new Thread(this::serveUdp, "fake-dns-udp");
    udpThread.setDaemon(true);
    udpThread.start();
    tcpThread = new Thread(this::serveTcp, "fake-dns-tcp");
    tcpThread.setDaemon(true);
    tcpThread.start();
  }

  InetSocketAddress address() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), udp.getLocalPort());
  }

  private void serveUdp() {
    byte[] buf = new byte[65_535];
    while (!udp.isClosed()) {
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      try {
        udp.receive(p);
        Message q = new Message(java.util.Arrays.copyOf(p.getData(), p.getLength()));
        udpQueries.add(q);
        udpSourcePorts.add(p.getPort());
        currentSource = (InetSocketAddress) p.getSocketAddress();
        DatagramSocket out = replyFrom == null ? udp : replyFrom;
        for (byte[] r : handler.reply(q)) {
          out.send(new DatagramPacket(r, r.length, p.getSocketAddress()));
        }
      } catch (SocketException closed) {
        return;
      } catch (IOException e) {
        // a bad query: ignore it like a real server would
      }
    }
  }

  private void serveTcp() {
    while (!tcp.isClosed()) {
      try (Socket s = tcp.accept()) {
        DataInputStream in = new DataInputStream(s.getInputStream());
        byte[] query = new byte[in.readUnsignedShort()];
        in.readFully(query);
        Message q = new Message(query);
        tcpQueries.add(q);
        List<byte[]> replies = tcpHandler.reply(q);
        DataOutputStream out = new DataOutputStream(s.getOutputStream());
        for (byte[] r : replies) {
          out.writeShort(r.length);
          out.write(r);
        }
        out.flush();
      } catch (SocketException closed) {
        if (tcp.isClosed()) {
          return;
        }
      } catch (IOException e) {
        // next connection
      }
    }
  }

  @Override
  public void close() {
    udp.close();
    try {
      tcp.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
