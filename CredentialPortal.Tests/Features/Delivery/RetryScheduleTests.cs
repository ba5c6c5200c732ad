using CredentialPortal.Features.Delivery;

namespace CredentialPortal.Tests.Features.Delivery;

public sealed class RetryScheduleTests
{
    private static readonly IReadOnlyList<TimeSpan> Default = RetrySchedule.Parse(RetrySchedule.Default);

    /// <summary>A Random whose NextDouble is always the same: the ends of the jitter range.</summary>
    private sealed class FixedRandom(double value) : Random
    {
        public override double NextDouble() => value;
    }

    [Fact]
    public void The_default_schedule_is_seven_delays_from_five_seconds_to_ten_hours()
    {
        Assert.Equal(
            [TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2), TimeSpan.FromHours(5),
                TimeSpan.FromHours(10), TimeSpan.FromHours(10)],
            Default);
        Assert.Equal([TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(2)], RetrySchedule.Parse(" 500ms , 2s "));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("5")]
    [InlineData("5x")]
    [InlineData("5s,,5m")]
    [InlineData("-5s")]
    [InlineData("1.5s")]
    [InlineData("5 s")]
    [InlineData("5d")]
    public void A_malformed_schedule_is_refused_with_what_is_wrong(string text)
    {
        var error = RetrySchedule.Error(text);
        Assert.NotNull(error);
        Assert.StartsWith("Webhooks:RetrySchedule", error);
        Assert.Throws<FormatException>(() => RetrySchedule.Parse(text));
    }

    [Fact]
    public void Each_delay_is_its_step_moved_by_at_most_a_tenth_either_way()
    {
        for (var attempts = 1; attempts <= Default.Count; attempts++)
        {
            var step = Default[attempts - 1];
            Assert.Equal(step * 0.9, RetrySchedule.NextDelay(Default, attempts, null, new FixedRandom(0.0)));
            Assert.Equal(step, RetrySchedule.NextDelay(Default, attempts, null, new FixedRandom(0.5)));
            Assert.InRange(RetrySchedule.NextDelay(Default, attempts, null, new FixedRandom(0.9999999))!.Value, step * 1.0999, step * 1.1);
        }
    }

    [Fact]
    public void Jitter_spreads_deliveries_that_failed_together()
    {
        var random = new Random(13);
        var delays = Enumerable.Range(0, 1000).Select(_ => RetrySchedule.NextDelay(Default, 1, null, random)!.Value).ToList();

        Assert.All(delays, d => Assert.InRange(d, TimeSpan.FromSeconds(4.5), TimeSpan.FromSeconds(5.5)));
        Assert.True(delays.Distinct().Count() > 900);
        Assert.InRange(delays.Min(), TimeSpan.FromSeconds(4.5), TimeSpan.FromSeconds(4.6));
        Assert.InRange(delays.Max(), TimeSpan.FromSeconds(5.4), TimeSpan.FromSeconds(5.5));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(8)]
    [InlineData(9)]
    public void There_is_no_next_attempt_outside_the_schedule(int attemptsMade)
    {
        Assert.Null(RetrySchedule.NextDelay(Default, attemptsMade, null, new FixedRandom(0.5)));
        Assert.Null(RetrySchedule.NextDelay(Default, attemptsMade, TimeSpan.FromMinutes(1), new FixedRandom(0.5)));
    }

    [Fact]
    public void A_retry_after_shorter_than_the_step_is_ignored()
    {
        Assert.Equal(TimeSpan.FromMinutes(5), RetrySchedule.NextDelay(Default, 2, TimeSpan.FromSeconds(30), new FixedRandom(0.5)));
        Assert.Equal(TimeSpan.FromSeconds(5), RetrySchedule.NextDelay(Default, 1, TimeSpan.Zero, new FixedRandom(0.5)));
    }

    [Fact]
    public void A_retry_after_longer_than_the_step_is_honoured_up_to_the_next_step()
    {
        // After the first attempt the step is 5 s and the next one 5 min.
        Assert.Equal(TimeSpan.FromSeconds(120), RetrySchedule.NextDelay(Default, 1, TimeSpan.FromSeconds(120), new FixedRandom(0.0)));
        Assert.Equal(TimeSpan.FromSeconds(120), RetrySchedule.NextDelay(Default, 1, TimeSpan.FromSeconds(120), new FixedRandom(0.9999)));
        Assert.Equal(TimeSpan.FromMinutes(5), RetrySchedule.NextDelay(Default, 1, TimeSpan.FromHours(3), new FixedRandom(0.5)));
        // After the 6th (step 10 h, next 10 h) and the last one (no next step: its own) a receiver cannot park it for days.
        Assert.Equal(TimeSpan.FromHours(10), RetrySchedule.NextDelay(Default, 6, TimeSpan.FromDays(3), new FixedRandom(0.5)));
        Assert.Equal(TimeSpan.FromHours(10), RetrySchedule.NextDelay(Default, 7, TimeSpan.FromDays(3), new FixedRandom(0.0)));
    }

    [Fact]
    public void The_option_refuses_a_malformed_schedule_and_a_lease_shorter_than_an_attempt()
    {
        var options = new WebhookOptions { RetrySchedule = "5s,soon", LeaseSeconds = 10, TimeoutSeconds = 5, TokenTimeoutSeconds = 10 };

        var errors = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).ToList();

        Assert.Contains(errors, e => e.MemberNames.Contains(nameof(WebhookOptions.RetrySchedule)) && e.ErrorMessage!.Contains("'soon'"));
        Assert.Contains(errors, e => e.MemberNames.Contains(nameof(WebhookOptions.LeaseSeconds)));
    }

    [Theory]
    [InlineData(31, false)]
    [InlineData(30, true)]
    [InlineData(16, true)]
    public void The_lease_must_outlast_two_token_requests_and_two_sends(int leaseSeconds, bool refused)
    {
        // A 401 to an OAuth attempt drops the token, requests a fresh one and sends again: up to 2 x (10 + 5) s.
        var options = new WebhookOptions { LeaseSeconds = leaseSeconds, TimeoutSeconds = 5, TokenTimeoutSeconds = 10 };

        var errors = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).ToList();

        Assert.Equal(refused, errors.Any(e => e.MemberNames.Contains(nameof(WebhookOptions.LeaseSeconds))));
    }
}
