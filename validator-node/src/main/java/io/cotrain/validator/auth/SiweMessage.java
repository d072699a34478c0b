package io.cotrain.validator.auth;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An EIP-4361 (Sign-In with Ethereum) message, parsed strictly by the ABNF of the EIP: the preamble with the domain,
 * the account, an optional statement, then URI, Version, Chain ID, Nonce, Issued At and the optional Expiration Time,
 * Not Before, Request ID and Resources, in that order, separated by single line feeds.
 *
 * @param scheme the URI scheme before the domain, if given
 * @param domain the RFC 3986 authority asking for the sign-in
 * @param address the account as written in the message (EIP-55 when valid)
 * @param statement the human-readable assertion, if any
 * @param uri the subject of the signing
 * @param version always "1"
 * @param chainId the EIP-155 chain id the session is bound to
 * @param nonce at least 8 alphanumeric characters
 * @param issuedAt when the message was made
 * @param expirationTime when the signed message stops being valid, if set
 * @param notBefore when it becomes valid, if set
 * @param requestId a system-specific identifier, if set
 * @param resources URIs the user wishes to have resolved, possibly none
 */
public record SiweMessage(
        Optional<String> scheme,
        String domain,
        String address,
        Optional<String> statement,
        String uri,
        String version,
        long chainId,
        String nonce,
        Instant issuedAt,
        Optional<Instant> expirationTime,
        Optional<Instant> notBefore,
        Optional<String> requestId,
        List<String> resources) {

    private static final Pattern PREAMBLE = Pattern.compile(
            "(?:([A-Za-z][A-Za-z0-9+.-]*)://)?([^\\s/?#]+) wants you to sign in with your Ethereum account:");
    private static final Pattern ADDRESS = Pattern.compile("0x[0-9a-fA-F]{40}");
    private static final Pattern NONCE = Pattern.compile("[A-Za-z0-9]{8,}");
    private static final Pattern CHAIN_ID = Pattern.compile("[1-9][0-9]{0,17}");
    /** Long enough for any honest message; bounds the work spent on hostile input. */
    public static final int MAX_LENGTH = 4_096;

    /**
     * @param text the message exactly as the wallet signed it
     * @return the parsed message
     * @throws MalformedSiweMessageException naming the first line that does not follow EIP-4361
     */
    public static SiweMessage parse(String text) {
        if (text == null || text.isEmpty()) throw new MalformedSiweMessageException("the message is empty");
        if (text.length() > MAX_LENGTH) {
            throw new MalformedSiweMessageException(
                    "the message has " + text.length() + " characters, at most " + MAX_LENGTH + " are accepted");
        }
        if (text.indexOf('\r') >= 0) {
            throw new MalformedSiweMessageException("lines must end with a line feed alone (no carriage return)");
        }
        Lines lines = new Lines(text.split("\n", -1));

        Matcher preamble = PREAMBLE.matcher(lines.next("the preamble"));
        if (!preamble.matches()) {
            throw lines.error("must be '<domain> wants you to sign in with your Ethereum account:'");
        }
        String address = lines.next("the address");
        if (!ADDRESS.matcher(address).matches()) throw lines.error("must be a 0x-prefixed 20-byte hex address");
        lines.expectEmpty();
        Optional<String> statement = Optional.empty();
        String line = lines.next("the statement or an empty line");
        if (!line.isEmpty()) {
            statement = Optional.of(line);
            lines.expectEmpty();
        }
        String uri = lines.field("URI");
        String version = lines.field("Version");
        if (!"1".equals(version)) throw lines.error("the version must be 1");
        String chainId = lines.field("Chain ID");
        if (!CHAIN_ID.matcher(chainId).matches()) throw lines.error("the chain id must be a positive decimal number");
        String nonce = lines.field("Nonce");
        if (!NONCE.matcher(nonce).matches()) throw lines.error("the nonce must be at least 8 letters or digits");
        Instant issuedAt = lines.time("Issued At");
        Optional<Instant> expiration =
                lines.optionalField("Expiration Time").map(v -> lines.time(v, "Expiration Time"));
        Optional<Instant> notBefore = lines.optionalField("Not Before").map(v -> lines.time(v, "Not Before"));
        Optional<String> requestId = lines.optionalField("Request ID");
        List<String> resources = new ArrayList<>();
        if (lines.hasNext() && lines.peek().equals("Resources:")) {
            lines.next("Resources:");
            while (lines.hasNext() && lines.peek().startsWith("- "))
                resources.add(lines.next("a resource").substring(2));
        }
        if (lines.hasNext())
            throw new MalformedSiweMessageException(
                    "line " + (lines.index + 1) + " is unexpected: '" + Lines.echo(lines.peek()) + "'");
        return new SiweMessage(
                Optional.ofNullable(preamble.group(1)),
                preamble.group(2),
                address,
                statement,
                uri,
                version,
                Long.parseLong(chainId),
                nonce,
                issuedAt,
                expiration,
                notBefore,
                requestId,
                List.copyOf(resources));
    }

    /** @return the message in the EIP's text form, as a wallet shows and signs it */
    public String format() {
        StringBuilder text = new StringBuilder();
        scheme.ifPresent(s -> text.append(s).append("://"));
        text.append(domain).append(" wants you to sign in with your Ethereum account:\n");
        text.append(address).append("\n\n");
        statement.ifPresent(s -> text.append(s).append('\n'));
        text.append('\n');
        text.append("URI: ").append(uri).append('\n');
        text.append("Version: ").append(version).append('\n');
        text.append("Chain ID: ").append(chainId).append('\n');
        text.append("Nonce: ").append(nonce).append('\n');
        text.append("Issued At: ").append(issuedAt);
        expirationTime.ifPresent(t -> text.append("\nExpiration Time: ").append(t));
        notBefore.ifPresent(t -> text.append("\nNot Before: ").append(t));
        requestId.ifPresent(r -> text.append("\nRequest ID: ").append(r));
        if (!resources.isEmpty()) {
            text.append("\nResources:");
            resources.forEach(r -> text.append("\n- ").append(r));
        }
        return text.toString();
    }

    /** The message's lines with a cursor, and errors that say which line is wrong. */
    private static final class Lines {
        private final String[] lines;
        private int index;

        Lines(String[] lines) {
            this.lines = lines;
        }

        boolean hasNext() {
            return index < lines.length;
        }

        String peek() {
            return lines[index];
        }

        String next(String what) {
            if (!hasNext()) throw new MalformedSiweMessageException("the message ends before " + what);
            return lines[index++];
        }

        void expectEmpty() {
            if (!next("an empty line").isEmpty()) throw error("must be empty");
        }

        String field(String name) {
            String line = next("the '" + name + ":' line");
            String prefix = name + ": ";
            if (!line.startsWith(prefix)) throw error("must start with '" + prefix + "'");
            return line.substring(prefix.length());
        }

        Optional<String> optionalField(String name) {
            if (!hasNext() || !peek().startsWith(name + ": ")) return Optional.empty();
            return Optional.of(field(name));
        }

        Instant time(String name) {
            return time(field(name), name);
        }

        Instant time(String value, String name) {
            try {
                return OffsetDateTime.parse(value).toInstant();
            } catch (DateTimeParseException e) {
                throw new MalformedSiweMessageException(
                        name + " must be an RFC 3339 date-time, got '" + echo(value) + "'");
            }
        }

        MalformedSiweMessageException error(String rule) {
            int line = Math.max(index - 1, 0);
            return new MalformedSiweMessageException("line " + (line + 1) + " ('" + echo(lines[line]) + "') " + rule);
        }

        static String echo(String line) {
            return line.length() > 80 ? line.substring(0, 80) + "..." : line;
        }
    }
}
