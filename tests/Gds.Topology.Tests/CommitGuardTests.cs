using Gds.Topology.Clients;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gds.Topology.Tests;

/// <summary>Which failed commits a stream thread's consumer skips rather than hands to Streamiz.</summary>
public class CommitGuardTests
{
    private readonly CommitGuard _guard = new(NullLogger.Instance, "thread-0");

    [Fact]
    public void Any_failed_commit_inside_a_revocation_is_skipped()
    {
        var skipped = _guard.Revoking(() => new[] { ErrorCode.RebalanceInProgress, ErrorCode.IllegalGeneration, ErrorCode.UnknownMemberId }
            .All(code => _guard.Skips(new Error(code))));
        Assert.True(skipped);
    }

    [Fact]
    public void Outside_a_revocation_only_rebalance_in_progress_is_skipped_and_fencing_reaches_Streamiz()
    {
        Assert.True(_guard.Skips(new Error(ErrorCode.RebalanceInProgress)));
        Assert.False(_guard.Skips(new Error(ErrorCode.IllegalGeneration)));
        Assert.False(_guard.Skips(new Error(ErrorCode.UnknownMemberId)));
    }

    [Fact]
    public void Stream_threads_are_told_apart_by_the_client_id_Streamiz_gives_their_consumers()
    {
        Assert.Equal("app-1234-StreamThread-0", ThreadLiveness.ThreadOf("app-1234-StreamThread-0-streamiz-consumer"));
        Assert.Equal("app-1234-StreamThread-0", ThreadLiveness.ThreadOf("app-1234-StreamThread-0-streamiz-restore-consumer"));
    }
}
