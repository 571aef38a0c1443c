using System.Net.Http.Headers;
using Gds.Notify.Client;
using Gds.Notify.Resilience;

namespace Gds.Notify.Tests.Resilience;

public class BackoffTests
{
    [Fact]
    public void Full_jitter_waits_between_zero_and_the_capped_exponential_ceiling()
    {
        var @base = TimeSpan.FromMilliseconds(100);
        var max = TimeSpan.FromSeconds(1);
        Assert.Equal(TimeSpan.FromMilliseconds(100), FullJitter.Ceiling(0, @base, max));
        Assert.Equal(TimeSpan.FromMilliseconds(800), FullJitter.Ceiling(3, @base, max));
        Assert.Equal(max, FullJitter.Ceiling(10, @base, max));
        Assert.Equal(max, FullJitter.Ceiling(int.MaxValue, @base, max));
        var delays = Enumerable.Range(0, 2000).Select(_ => FullJitter.Delay(3, @base, max)).ToList();
        Assert.All(delays, d => Assert.InRange(d, TimeSpan.Zero, TimeSpan.FromMilliseconds(800)));
        // Spread over the whole range, not bunched at the top as "equal jitter" would be.
        Assert.Contains(delays, d => d < TimeSpan.FromMilliseconds(200));
        Assert.Contains(delays, d => d > TimeSpan.FromMilliseconds(600));
    }

    [Fact]
    public void Retry_after_is_read_as_seconds_or_as_an_http_date()
    {
        var seconds = new HttpResponseMessage().Headers;
        seconds.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(7));
        Assert.Equal(TimeSpan.FromSeconds(7), NotificationClient.RetryAfter(seconds));

        var date = new HttpResponseMessage().Headers;
        date.RetryAfter = new RetryConditionHeaderValue(DateTimeOffset.UtcNow.AddSeconds(30));
        Assert.InRange(NotificationClient.RetryAfter(date)!.Value, TimeSpan.FromSeconds(25), TimeSpan.FromSeconds(31));

        var past = new HttpResponseMessage().Headers;
        past.RetryAfter = new RetryConditionHeaderValue(DateTimeOffset.UtcNow.AddMinutes(-1));
        Assert.Equal(TimeSpan.Zero, NotificationClient.RetryAfter(past));

        Assert.Null(NotificationClient.RetryAfter(new HttpResponseMessage().Headers));
    }

    [Theory]
    [InlineData(200, false, false)]
    [InlineData(202, false, false)]
    [InlineData(400, false, true)]
    [InlineData(404, false, true)]
    [InlineData(301, false, true)]
    [InlineData(408, true, false)]
    [InlineData(429, true, false)]
    [InlineData(500, true, false)]
    [InlineData(503, true, false)]
    public void Statuses_are_sorted_into_retry_and_dead_letter(int status, bool transient, bool permanent)
    {
        var r = new AttemptResult(status, null, null);
        Assert.Equal(transient, r.IsTransient);
        Assert.Equal(permanent, r.IsPermanent);
        Assert.Equal(status is 408 or >= 500, r.IsServiceFailure);
    }
}
