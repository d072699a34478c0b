package io.cotrain.validator.auth;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.EnumSet;
import java.util.Set;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * The RSA key the gateway signs access tokens with, kept in a PEM file (PKCS#8 {@code PRIVATE KEY}) so that sessions
 * survive a restart and every gateway node given the same file accepts the others' tokens. Whoever reads the file can
 * sign in as any wallet, so it must be readable by its owner only, as ssh requires of its keys.
 */
public final class TokenSigningKey {
    /** The smallest RSA modulus accepted: RS256 with less is breakable. */
    public static final int MINIMUM_BITS = 2048;

    private static final String PEM_TYPE = "PRIVATE KEY";
    private static final Set<PosixFilePermission> OWNER_ONLY =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

    private TokenSigningKey() {}

    /** The key file cannot be used; the message says what to fix. */
    public static final class UnusableKeyException extends RuntimeException {
        UnusableKeyException(String message) {
            super(message);
        }

        UnusableKeyException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * @param file a PEM file holding an RSA private key (PKCS#8), readable by its owner only
     * @return the key pair it holds
     * @throws UnusableKeyException when the file is missing, readable by others, not an RSA key of at least
     *     {@value #MINIMUM_BITS} bits
     */
    public static KeyPair load(Path file) {
        refuseSharedFile(file);
        String pem;
        try {
            pem = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new UnusableKeyException("token signing key " + file
                    + " does not exist; make one with `openssl genpkey"
                    + " -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out " + file + " && chmod 600 " + file + "`");
        } catch (IOException e) {
            throw new UncheckedIOException("reading the token signing key " + file, e);
        }
        return decode(pem, file);
    }

    /**
     * @param file where the node keeps its key: read if it exists, else made (RSA {@value #MINIMUM_BITS}), written
     *     readable by its owner only and synced, then published with a hard link, which fails if another start
     *     published first: two starts on one file end up with the same key, and a crash leaves no half-written key
     * @return the key pair the file holds
     */
    public static KeyPair loadOrCreate(Path file) {
        if (Files.exists(file)) return load(file);
        KeyPair keys = generate();
        try {
            Path temporary = Files.createTempFile(file.toAbsolutePath().getParent(), ".token-key-", ".tmp");
            try {
                restrictToOwner(temporary);
                try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                    channel.write(ByteBuffer.wrap(encode(keys).getBytes(StandardCharsets.US_ASCII)));
                    channel.force(true);
                }
                try {
                    Files.createLink(file, temporary);
                } catch (FileAlreadyExistsException lostTheRace) {
                    return load(file);
                }
            } finally {
                Files.deleteIfExists(temporary);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing the token signing key " + file, e);
        }
        return load(file);
    }

    /** @return a fresh key pair, kept in memory only */
    public static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(MINIMUM_BITS);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JVM has no RSA key generator", e);
        }
    }

    /** @return the private key as PEM (PKCS#8) */
    static String encode(KeyPair keys) {
        StringWriter out = new StringWriter();
        try (PemWriter writer = new PemWriter(out)) {
            writer.writeObject(new PemObject(PEM_TYPE, keys.getPrivate().getEncoded()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static KeyPair decode(String pem, Path file) {
        PemObject object;
        try (PemReader reader = new PemReader(new StringReader(pem))) {
            object = reader.readPemObject();
        } catch (IOException | RuntimeException e) {
            throw new UnusableKeyException("token signing key " + file + " is not PEM: " + e.getMessage(), e);
        }
        if (object == null || !PEM_TYPE.equals(object.getType())) {
            throw new UnusableKeyException("token signing key " + file + " holds no -----BEGIN " + PEM_TYPE
                    + "----- block (found " + (object == null ? "none" : object.getType()) + "); convert it with"
                    + " `openssl pkcs8 -topk8 -nocrypt`");
        }
        RSAPrivateCrtKey privateKey;
        try {
            if (!(KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(object.getContent()))
                    instanceof RSAPrivateCrtKey crt)) {
                throw new UnusableKeyException("token signing key " + file + " is an RSA key without CRT parameters");
            }
            privateKey = crt;
        } catch (GeneralSecurityException e) {
            throw new UnusableKeyException("token signing key " + file + " is not an RSA private key", e);
        }
        int bits = privateKey.getModulus().bitLength();
        if (bits < MINIMUM_BITS) {
            throw new UnusableKeyException(
                    "token signing key " + file + " has " + bits + " bits; at least " + MINIMUM_BITS + " needed");
        }
        try {
            BigInteger modulus = privateKey.getModulus();
            var publicKey = KeyFactory.getInstance("RSA")
                    .generatePublic(new RSAPublicKeySpec(modulus, privateKey.getPublicExponent()));
            return new KeyPair(publicKey, privateKey);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("deriving the public key of " + file, e);
        }
    }

    private static void refuseSharedFile(Path file) {
        PosixFileAttributeView posix = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (posix == null || !Files.exists(file)) return;
        try {
            Set<PosixFilePermission> permissions = posix.readAttributes().permissions();
            if (!OWNER_ONLY.containsAll(permissions)) {
                throw new UnusableKeyException("token signing key " + file + " has permissions "
                        + PosixFilePermissions.toString(permissions) + ": only its owner may read it (anyone who reads"
                        + " it can sign in as any wallet); chmod 600 it");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading the permissions of " + file, e);
        }
    }

    private static void restrictToOwner(Path file) throws IOException {
        PosixFileAttributeView posix = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (posix != null) posix.setPermissions(OWNER_ONLY);
    }
}
