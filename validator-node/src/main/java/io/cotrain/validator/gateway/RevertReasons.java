package io.cotrain.validator.gateway;

import io.cotrain.client.ContractRevertedException;
import io.cotrain.client.RevertDecoder;
import io.cotrain.client.TransactionRejectedException;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.web3j.protocol.core.Response;

/**
 * The contracts' custom errors as the gateway meets them: a node's refusal of a call or transaction becomes the
 * protocol client's typed failure, a {@link ContractRevertedException} with the custom error decoded by name with its
 * arguments ({@code DuplicateContent(contentDigest=0x.., id=3)}) when the answer carries revert data, else a
 * {@link TransactionRejectedException} with the node's code and message. {@link #explain} adds, for the errors a
 * contributor meets, what they mean and what to do.
 */
public final class RevertReasons {
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

    private RevertReasons() {}

    /**
     * @param action what was refused, for the exception's message (e.g. {@code submitContribution})
     * @param error a node's answer to a call or transaction it refused
     * @return the client's typed failure ({@link RevertDecoder#failure})
     */
    static RuntimeException refusal(String action, Response.Error error) {
        return DECODER.failure(action, error);
    }

    /**
     * @param decoded an error as {@link RevertDecoder} renders it, {@code Name(argument=value, ...)}
     * @return it followed by its meaning, with the error's arguments filled in, when the gateway knows one
     */
    public static String explain(String decoded) {
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
