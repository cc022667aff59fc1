package io.mlsys.server;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A bare HTTP/2 client for tests that must send what a well-behaved client never would (more
 * streams than allowed, a flood of resets): frames written by hand, headers as HPACK literals
 * without Huffman coding.
 */
final class RawHttp2Client implements AutoCloseable {
  static final int DATA = 0x0;
  static final int HEADERS = 0x1;
  static final int RST_STREAM = 0x3;
  static final int SETTINGS = 0x4;
  static final int PING = 0x6;
  static final int GOAWAY = 0x7;

  static final int FLAG_END_STREAM = 0x1;
  static final int FLAG_ACK = 0x1;
  static final int FLAG_END_HEADERS = 0x4;

  static final int SETTINGS_MAX_CONCURRENT_STREAMS = 0x3;
  static final int CANCEL = 0x8;
  static final int REFUSED_STREAM = 0x7;
  static final int ENHANCE_YOUR_CALM = 0xb;

  /** One frame as read. */
  record Frame(int type, int flags, int streamId, byte[] payload) {
    int int32(int offset) {
      return ByteBuffer.wrap(payload, offset, 4).getInt();
    }

    /** The value of a SETTINGS parameter, -1 when the frame does not carry it. */
    long setting(int id) {
      ByteBuffer buffer = ByteBuffer.wrap(payload);
      while (buffer.remaining() >= 6) {
        int key = buffer.getShort() & 0xffff;
        long value = buffer.getInt() & 0xffffffffL;
        if (key == id) {
          return value;
        }
      }
      return -1;
    }
  }

  private final Socket socket;
  private final OutputStream out;
  private final DataInputStream in;

  /** Connects and sends the connection preface and an empty SETTINGS frame. */
  RawHttp2Client(int port, Duration readTimeout) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout((int) readTimeout.toMillis());
    out = socket.getOutputStream();
    in = new DataInputStream(socket.getInputStream());
    out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    writeFrame(out, SETTINGS, 0, 0, new byte[0]);
    out.flush();
  }

  /** The next frame; acknowledges SETTINGS and PING frames as a client must. */
  Frame read() throws IOException {
    Frame frame = readFrame();
    if (frame.type() == SETTINGS && (frame.flags() & FLAG_ACK) == 0) {
      send(SETTINGS, FLAG_ACK, 0, new byte[0]);
    } else if (frame.type() == PING && (frame.flags() & FLAG_ACK) == 0) {
      send(PING, FLAG_ACK, 0, frame.payload());
    }
    return frame;
  }

  /** The next frame, answering nothing. */
  private Frame readFrame() throws IOException {
    int length =
        (in.readUnsignedByte() << 16) | (in.readUnsignedByte() << 8) | in.readUnsignedByte();
    int type = in.readUnsignedByte();
    int flags = in.readUnsignedByte();
    int streamId = in.readInt() & 0x7fffffff;
    byte[] payload = new byte[length];
    in.readFully(payload);
    return new Frame(type, flags, streamId, payload);
  }

  /** Reads until a frame of this type (on any stream, or {@code streamId} when >= 0) arrives. */
  Frame readUntil(int type, int streamId) throws IOException {
    while (true) {
      Frame frame = read();
      if (frame.type() == type && (streamId < 0 || frame.streamId() == streamId)) {
        return frame;
      }
    }
  }

  /**
   * Reads frames until the server closes the connection; the GOAWAY among them, or null. Answers
   * nothing (no PING acknowledgement): data sent to a closing server makes it reset the connection,
   * and a reset can discard the GOAWAY not yet read.
   */
  Frame readGoAwayUntilClosed() throws IOException {
    Frame goAway = null;
    try {
      while (true) {
        Frame frame = readFrame();
        if (frame.type() == GOAWAY) {
          goAway = frame;
        }
      }
    } catch (EOFException | java.net.SocketException e) {
      return goAway;
    }
  }

  /** The HEADERS of a gRPC call to {@code method} (e.g. {@code /pkg.Service/Method}). */
  static byte[] grpcHeaders(String method) {
    ByteArrayOutputStream block = new ByteArrayOutputStream();
    literal(block, ":method", "POST");
    literal(block, ":scheme", "http");
    literal(block, ":path", method);
    literal(block, ":authority", "localhost");
    literal(block, "content-type", "application/grpc");
    literal(block, "te", "trailers");
    return block.toByteArray();
  }

  /** A gRPC length-prefixed message, uncompressed. */
  static byte[] grpcMessage(byte[] message) {
    return ByteBuffer.allocate(5 + message.length)
        .put((byte) 0)
        .putInt(message.length)
        .put(message)
        .array();
  }

  /** RST_STREAM's payload: the error code. */
  static byte[] errorCode(int code) {
    return ByteBuffer.allocate(4).putInt(code).array();
  }

  /** Writes a frame now. */
  void send(int type, int flags, int streamId, byte[] payload) throws IOException {
    writeFrame(out, type, flags, streamId, payload);
    out.flush();
  }

  /** Frames to be written together, as one burst. */
  static void writeFrame(OutputStream out, int type, int flags, int streamId, byte[] payload)
      throws IOException {
    int length = payload.length;
    out.write(new byte[] {(byte) (length >>> 16), (byte) (length >>> 8), (byte) length});
    out.write(type);
    out.write(flags);
    out.write(ByteBuffer.allocate(4).putInt(streamId).array());
    out.write(payload);
  }

  /** Writes a burst of frames built by the caller in one write. */
  void sendAll(byte[] frames) throws IOException {
    out.write(frames);
    out.flush();
  }

  /** An HPACK literal header field without indexing, new name, no Huffman (short strings). */
  private static void literal(ByteArrayOutputStream block, String name, String value) {
    block.write(0x00);
    string(block, name);
    string(block, value);
  }

  private static void string(ByteArrayOutputStream block, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
    if (bytes.length >= 127) {
      throw new IllegalArgumentException("header too long for this client: " + text);
    }
    block.write(bytes.length);
    block.writeBytes(bytes);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
