package dev.mailwarden.dns;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A UDP relay on 127.0.0.1 in front of a DNS server that drops a share of the datagrams in each
 * direction (seeded, so runs repeat). Each client address gets its own upstream socket, so replies
 * find their way back to the socket that asked.
 */
final class LossyUdpRelay implements AutoCloseable {
  private final DatagramSocket front;
  private final InetSocketAddress upstream;
  private final double dropShare;
  private final Random random;
  private final Map<SocketAddress, DatagramSocket> byClient = new ConcurrentHashMap<>();
  final AtomicInteger forwarded = new AtomicInteger();
  final AtomicInteger dropped = new AtomicInteger();

  LossyUdpRelay(InetSocketAddress upstream, double dropShare, long seed) throws IOException {
    this.upstream = upstream;
    this.dropShare = dropShare;
    this.random = new Random(seed);
    this.front = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    Thread t = new Thread(this::relayQueries, "lossy-relay-front");
    t.setDaemon(true);
    t.start();
  }

  InetSocketAddress address() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), front.getLocalPort());
  }

  private boolean drop() {
    synchronized (random) {
      boolean drop = random.nextDouble() < dropShare;
      (drop ? dropped : forwarded).incrementAndGet();
      return drop;
    }
  }

  private void relayQueries() {
    byte[] buf = new byte[65_535];
    while (!front.isClosed()) {
      try {
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        front.receive(p);
        if (drop()) {
          continue;
        }
        SocketAddress client = p.getSocketAddress();
        DatagramSocket up = byClient.computeIfAbsent(client, this::openUpstream);
        up.send(new DatagramPacket(p.getData(), p.getLength(), upstream));
      } catch (SocketException closed) {
        return;
      } catch (IOException e) {
        // keep relaying
      }
    }
  }

  private DatagramSocket openUpstream(SocketAddress client) {
    try {
      DatagramSocket up =
          new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      Thread t =
          new Thread(
              () -> {
                byte[] buf = new byte[65_535];
                while (!up.isClosed()) {
                  try {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    up.receive(p);
                    if (!drop()) {
                      front.send(new DatagramPacket(p.getData(), p.getLength(), client));
                    }
                  } catch (IOException e) {
                    if (up.isClosed()) {
                      return;
                    }
                  }
                }
              },
              "lossy-relay-back");
      t.setDaemon(true);
      t.start();
      return up;
    } catch (SocketException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    front.close();
    byClient.values().forEach(DatagramSocket::close);
  }
}
