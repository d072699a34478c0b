package io.cotrain.cli;

import io.cotrain.ipfs.ContributionManifest;
import io.cotrain.oracle.evaluation.TaskModel;
import io.cotrain.oracle.evaluation.privacy.GaussianCalibration;
import io.cotrain.oracle.evaluation.privacy.GaussianMechanism;
import io.cotrain.oracle.evaluation.privacy.NoiseCalibration;
import io.cotrain.oracle.evaluation.privacy.PrivacyBudget;
import io.cotrain.oracle.evaluation.privacy.PrivateUpdate;
import java.io.PrintWriter;
import java.security.SecureRandom;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * {@code cotrain train}'s opt-in differential privacy: the update (trained minus global model) is clipped to L2 norm
 * {@code --clip} and Gaussian noise of standard deviation {@code sigma * clip} is added to every parameter, sigma the
 * smallest noise multiplier the RDP accountant finds for ({@code --dp-epsilon}, {@code --dp-delta}) over one release
 * of the whole dataset: the released update is differentially private for the contributor's dataset as a whole,
 * neighbouring releases being with and without it (sensitivity {@code clip}; replacing it by another dataset would be
 * twice that, which this calibration does not cover).
 */
final class PrivacyOptions {
    @Option(
            names = "--dp-epsilon",
            required = true,
            paramLabel = "E",
            description = "the privacy loss to spend on this update, > 0 (smaller: more noise)")
    double epsilon;

    @Option(
            names = "--dp-delta",
            required = true,
            paramLabel = "D",
            description = "the probability the bound fails, in (0, 1), e.g. 1e-5")
    double delta;

    @Option(
            names = "--clip",
            required = true,
            paramLabel = "C",
            description = "the L2 norm the update (trained minus global model) is clipped to, > 0")
    double clip;

    /** The update's noisy release, and what it buys. */
    record Released(TaskModel model, ContributionManifest.Privacy privacy) {}

    /**
     * The noise for the budget, found before any training so that a budget out of reach costs nothing.
     *
     * @return the noise multiplier and the epsilon it spends
     * @throws CliException naming the options a bad budget comes from
     */
    NoiseCalibration calibrate() {
        try {
            return GaussianCalibration.calibrate(new PrivacyBudget(epsilon, delta, clip));
        } catch (IllegalArgumentException e) {
            throw new CliException(
                    "--dp-epsilon " + epsilon + " --dp-delta " + delta + " --clip " + clip + ": " + e.getMessage(),
                    CliException.USAGE,
                    e);
        }
    }

    /**
     * @param noise the calibration of {@link #calibrate()}
     * @param global the global model trained from
     * @param trained the model trained on the contributor's data
     * @param err where the figures are told
     * @return the released model and the privacy it spent
     */
    static Released release(NoiseCalibration noise, TaskModel global, TaskModel trained, PrintWriter err) {
        double clip = noise.clip();
        PrivateUpdate update = GaussianMechanism.release(
                global.parameters(), trained.parameters(), clip, noise.noiseMultiplier(), new SecureRandom());
        err.println(String.format(
                Locale.ROOT,
                "differential privacy: update norm %.4g %s %.4g, Gaussian noise of %.4g per parameter (noise "
                        + "multiplier %.4g); spent epsilon %.4g at delta %.3g",
                update.updateNorm(),
                update.clipped() ? "clipped to" : "within the clip",
                clip,
                noise.noiseStandardDeviation(),
                noise.noiseMultiplier(),
                noise.spentEpsilon(),
                noise.delta()));
        return new Released(
                trained.withParameters(update.parameters()),
                new ContributionManifest.Privacy(noise.spentEpsilon(), noise.delta(), clip, noise.noiseMultiplier()));
    }
}
