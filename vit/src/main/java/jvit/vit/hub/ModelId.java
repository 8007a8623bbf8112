package jvit.vit.hub;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A model on the Hub as {@code --model} names it: {@code ORG/NAME}, optionally {@code @REVISION}
 * (a branch, a tag or a commit hash; {@code main} when none is given). The repository name follows
 * the Hub's rules, as {@code huggingface_hub}'s {@code validate_repo_id} checks them.
 */
public record ModelId(String repo, String revision) {
    public static final String DEFAULT_REVISION = "main";
    private static final Pattern FORM = Pattern.compile("([A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)(?:@(\\S+))?");
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");
    private static final int MAX_REPO_LENGTH = 96;

    /** The id {@code text} spells, or empty when it is not one (a path, say). */
    public static Optional<ModelId> parse(String text) {
        Matcher m = FORM.matcher(text);
        if (!m.matches()) return Optional.empty();
        String repo = m.group(1);
        if (repo.length() > MAX_REPO_LENGTH || repo.contains("--") || repo.contains("..")) return Optional.empty();
        for (String part : repo.split("/"))
            if (part.startsWith(".") || part.startsWith("-") || part.endsWith(".") || part.endsWith("-")) return Optional.empty();
        String revision = m.group(2) == null ? DEFAULT_REVISION : m.group(2);
        if (revision.contains("..") || revision.startsWith("/") || revision.endsWith("/")) return Optional.empty();
        return Optional.of(new ModelId(repo, revision));
    }

    /** Whether the revision is a full commit hash, which names one snapshot for good. */
    public boolean revisionIsCommit() {
        return isCommit(revision);
    }

    static boolean isCommit(String revision) {
        return COMMIT.matcher(revision).matches();
    }

    /** The cache folder's name: {@code models--ORG--NAME}. */
    String cacheFolder() {
        return "models--" + repo.replace("/", "--");
    }

    @Override
    public String toString() {
        return revision.equals(DEFAULT_REVISION) ? repo : repo + "@" + revision;
    }
}
