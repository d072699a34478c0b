package io.cotrain.validator.gateway;

import io.cotrain.client.RevertDecoder;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.web3j.protocol.core.Response;

/**
 * The contracts' custom errors as the gateway reports them to a wallet: decoded by name with their arguments
 * ({@code DuplicateContent(contentDigest=0x.., id=3)}), followed, for the errors a contributor meets, by what they
 * mean and what to do.
 */
final class RevertReasons {
    private static final RevertDecoder DECODER = RevertDecoder.forCotrainContracts();

    private static final Pattern ARGUMENT = Pattern.compile("\\{(\\w+)}");

    /** What the errors a wallet meets through the gateway mean, by error name; {name} stands for an argument. */
    private static final Map<String, String> MEANINGS = Map.ofEntries(
            Map.entry(
                    "DuplicateContent",
                    "this manifest was already submitted, as contribution {id}: the same work "
                            + "is paid once, so only a manifest of new work can be submitted"),
            Map.entry(
                    "RoundFull",
                    "round {round} already holds the {maxContributions} contributions a "
                            + "round accepts (MaxContributionsPerRound): submit to the next round when it opens"),
            Map.entry(
                    "ContributorRoundLimit",
                    "{contributor} already submitted {maxContributions} contributions to "
                            + "round {round}, the most one contributor may (MaxContributionsPerContributor): submit "
                            + "again in "
                            + "the next round"),
            Map.entry(
                    "ProtocolPaused",
                    "the protocol is paused: submissions, scoring and staking wait for unpause "
                            + "(claims and withdrawals still work)"),
            Map.entry(
                    "InsufficientFreeStake",
                    "the free stake does not cover the round's stake per contribution: add "
                            + "stake first (POST /training/join/{id})"),
            Map.entry(
                    "NotRegistered",
                    "the account is not a registered contributor: register first " + "(POST /training/join/{id})"),
            Map.entry("InsufficientStake", "a first stake must be at least the protocol's minimum contributor stake"),
            Map.entry("TaskIdTooLarge", "task ids are stored in 32 bits"),
            Map.entry(
                    "TaskUnderserved",
                    "task {taskId} is served by {servers} of this round's validators, fewer than the {required} a "
                            + "quorum needs: nobody could judge the contribution; submit once its validators serve it"),
            Map.entry("NothingToClaim", "nothing is credited to this account"));

    /** How anvil puts revert data in a message: {@code custom error 0x<selector>: <arguments, hex>}. */
    private static final Pattern CUSTOM_ERROR =
            Pattern.compile("custom error (0x[0-9a-fA-F]{8})(?::\\s*" + "(?:0x)?([0-9a-fA-F]*))?");

    private static final Pattern HEX = Pattern.compile("0x[0-9a-fA-F]{8,}");

    private RevertReasons() {}

    /**
     * @param error a node's answer to a call that failed
     * @return the custom error it carries, with its meaning, else the node's message
     */
    static String of(Response.Error error) {
        Optional<String> decoded = Optional.ofNullable(error.getData()).flatMap(RevertReasons::decode);
        if (decoded.isPresent()) return decoded.get();
        String message = error.getMessage() == null ? "" : error.getMessage();
        // some nodes put the revert data in the message only: anvil splits selector and arguments
        Matcher custom = CUSTOM_ERROR.matcher(message);
        if (custom.find()) {
            decoded = decode(custom.group(1) + (custom.group(2) == null ? "" : custom.group(2)));
            if (decoded.isPresent()) return decoded.get();
        }
        Matcher hex = HEX.matcher(message);
        while (hex.find()) {
            decoded = decode(hex.group());
            if (decoded.isPresent()) return decoded.get();
        }
        return message;
    }

    /**
     * @param revertData the revert data a node returned, 0x-hex
     * @return the error with its arguments and, when known, its meaning; empty if the data encodes no known error
     */
    static Optional<String> decode(String revertData) {
        return DECODER.decode(revertData).map(RevertReasons::explain);
    }

    /**
     * @param decoded an error as {@link RevertDecoder} renders it, {@code Name(argument=value, ...)}
     * @return it followed by its meaning, with the error's arguments filled in, when the gateway knows one
     */
    static String explain(String decoded) {
        int open = decoded.indexOf('(');
        String name = open < 0 ? decoded : decoded.substring(0, open);
        String meaning = MEANINGS.get(name);
        if (meaning == null) return decoded;
        Map<String, String> arguments = new HashMap<>();
        if (open >= 0 && decoded.endsWith(")")) {
            for (String argument :
                    decoded.substring(open + 1, decoded.length() - 1).split(", ")) {
                int equals = argument.indexOf('=');
                if (equals > 0) arguments.put(argument.substring(0, equals), argument.substring(equals + 1));
            }
        }
        Matcher placeholders = ARGUMENT.matcher(meaning);
        StringBuilder text = new StringBuilder();
        while (placeholders.find()) {
            String value = arguments.getOrDefault(placeholders.group(1), placeholders.group(1));
            placeholders.appendReplacement(text, Matcher.quoteReplacement(value));
        }
        placeholders.appendTail(text);
        return decoded + ": " + text;
    }
}
