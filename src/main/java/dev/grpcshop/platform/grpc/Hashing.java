package dev.grpcshop.platform.grpc;

import com.google.protobuf.Message;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Fingerprints of requests, to tell a retried request from a different one under the same idempotency key. */
public final class Hashing {

    private Hashing() {
    }

    /** SHA-256 of the message's deterministic serialization, in hex. */
    public static String fingerprint(Message message) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            var out = com.google.protobuf.CodedOutputStream.newInstance(new java.io.ByteArrayOutputStream() {
                @Override
                public void write(byte[] b, int off, int len) {
                    digest.update(b, off, len);
                }

                @Override
                public void write(int b) {
                    digest.update((byte) b);
                }
            });
            out.useDeterministicSerialization();
            message.writeTo(out);
            out.flush();
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException | java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
