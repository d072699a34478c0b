package io.cotrain.oracle.scoring;

import io.cotrain.ipfs.ContentStore;
import io.cotrain.ipfs.ContributionManifest;
import io.cotrain.ipfs.SealingFault;
import java.math.BigInteger;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the sealing fault reports published on a round's contributions before this validator commits: a report
 * whose evidence proves that what the contribution wraps for its reporter does not open ({@link SealingFault}) floors
 * the contribution for every validator alike. Evidence that does not hold, or content that cannot be read back now,
 * proves nothing and changes nothing: this check never floors honest work on its own failure, nor waits on it.
 */
final class SealingFaultCheck {
    private static final Logger LOG = LoggerFactory.getLogger(SealingFaultCheck.class);

    /**
     * How long reading back one manifest or artifact may take: the content was fetched for judging moments before, so
     * a node that takes longer leaves the report unchecked rather than the commit late.
     */
    private static final Duration READ_BACK_TIMEOUT = Duration.ofSeconds(3);

    private final ValidatorChain chain;
    private final ContentStore content;

    SealingFaultCheck(ValidatorChain chain, ContentStore content) {
        this.chain = chain;
        this.content = content;
    }

    /**
     * @param round a round whose reports are closed
     * @param contributions the round's contributions to check
     * @return the contributions a report proves faulty, with the proof's finding
     */
    Map<BigInteger, String> proven(BigInteger round, List<ContributionRecord> contributions) {
        if (contributions.isEmpty()) return Map.of();
        BigInteger from = contributions.stream()
                .map(ContributionRecord::submittedBlock)
                .min(BigInteger::compareTo)
                .orElseThrow();
        Map<String, ContributionRecord> byDigest = new HashMap<>();
        contributions.forEach(c -> byDigest.put(HexFormat.of().formatHex(c.contentDigest()), c));
        Map<BigInteger, String> proven = new TreeMap<>();
        Set<String> checked = new HashSet<>();
        for (ValidatorChain.SealingFaultReport report : chain.sealingFaults(round, from)) {
            String digest = HexFormat.of().formatHex(report.contentDigest());
            ContributionRecord contribution = byDigest.get(digest);
            if (contribution == null
                    || proven.containsKey(contribution.id())
                    || !checked.add(digest + report.validator())) {
                continue;
            }
            check(contribution, report).ifPresent(reason -> proven.put(contribution.id(), reason));
        }
        return proven;
    }

    private Optional<String> check(ContributionRecord contribution, ValidatorChain.SealingFaultReport report) {
        String outcome;
        Optional<String> proof = Optional.empty();
        try {
            SealingFault evidence = SealingFault.decode(report.evidence());
            ContributionManifest manifest = content.fetchManifest(contribution.contentDigest(), READ_BACK_TIMEOUT);
            if (manifest.sealing().isEmpty()) {
                outcome = "its content is not sealed";
            } else {
                SealingFault.Check check = evidence.check(
                        report.validator(),
                        manifest.sealing().get(),
                        manifest.binding(),
                        () -> content.fetchArtifact(manifest.artifacts().getFirst(), READ_BACK_TIMEOUT),
                        contribution.contentDigest());
                outcome = check.reason();
                if (check.proven()) proof = Optional.of("sealed with a fault: " + check.reason());
            }
        } catch (RuntimeException e) {
            outcome = "not checked: " + e.getMessage();
        }
        LOG.info("contribution {}: sealing fault reported by {}: {}", contribution.id(), report.validator(), outcome);
        return proof;
    }
}
