using CredentialPortal.Features.Credentials;
using CredentialPortal.Tests.Features.Credentials.Api;

namespace CredentialPortal.Tests.Features.Credentials.Rotation;

/// <summary>POST …/rotate and …/rollback over HTTP: the answers, the rotation state, problem details on bad input.</summary>
public sealed class CredentialRotationApiTests(RotationApiFixture api) : IClassFixture<RotationApiFixture>
{
    private const string OldToken = "old-bearer-token-0123456789";

    private async Task<string> BearerAsync()
    {
        var created = await api.CreateAsync(new { name = "Partner", type = "bearer_token", secret = OldToken });
        created.AssertHolds(201, OldToken);
        return created.CredentialId;
    }

    [Fact]
    public async Task Rotating_a_standard_webhooks_credential_generates_the_secret_shows_it_once_and_reports_the_window()
    {
        var oldSecret = CredentialRules.NewStandardWebhooksSecret();
        var created = await api.CreateAsync(new { name = "Signed", type = "hmac_signature", format = "standard_webhooks", secret = oldSecret });
        created.AssertHolds(201, oldSecret);

        var rotated = await api.RotateAsync(created.CredentialId, new { });

        rotated.AssertHolds(200, oldSecret);
        var generated = rotated["generated_secret"]!;
        Assert.NotNull(CredentialRules.StandardWebhooksKey(generated));
        var rotatedAt = rotated.Json["rotation"]!["rotated_at"]!.GetValue<DateTime>();
        Assert.Equal(api.Clock.GetUtcNow().UtcDateTime, rotatedAt);
        Assert.Equal(rotatedAt.AddSeconds(86_400), rotated.Json["rotation"]!["grace_ends_at"]!.GetValue<DateTime>());
        Assert.Equal("\"2\"", rotated.ETag);
        Assert.Equal(created.CredentialId, rotated.CredentialId);

        // Shown once: a read of the credential has its rotation, never the secret.
        var read = await api.SendAsync(HttpMethod.Get, $"{RotationApiFixture.Route}/{created.CredentialId}");
        read.AssertHolds(200, oldSecret, generated);
        Assert.Equal(rotatedAt, read.Json["rotation"]!["rotated_at"]!.GetValue<DateTime>());
        Assert.Null(read.Json["generated_secret"]);
    }

    [Fact]
    public async Task A_typed_secret_with_a_grace_period_of_0_ends_the_old_one_at_once_and_leaves_nothing_to_roll_back()
    {
        var id = await BearerAsync();

        var rotated = await api.RotateAsync(id, new { secret = "new-bearer-token-9876543210", grace_period_seconds = 0 });

        rotated.AssertHolds(200, OldToken, "new-bearer-token-9876543210");
        Assert.Null(rotated["generated_secret"]);
        Assert.Equal("...3210", rotated["secret_hint"]);
        Assert.Equal(rotated.Json["rotation"]!["rotated_at"]!.GetValue<DateTime>(), rotated.Json["rotation"]!["grace_ends_at"]!.GetValue<DateTime>());
        var rollBack = await api.RollBackAsync(id);
        rollBack.AssertProblem(409);
        Assert.Contains("no previous secret", rollBack["detail"]);
    }

    [Fact]
    public async Task Roll_back_puts_the_previous_secret_back_once()
    {
        var id = await BearerAsync();
        (await api.RotateAsync(id, new { secret = "new-bearer-token-9876543210", grace_period_seconds = 3_600 })).AssertHolds(200);

        var rolledBack = await api.RollBackAsync(id);

        rolledBack.AssertHolds(200, OldToken);
        Assert.Equal("...6789", rolledBack["secret_hint"]);
        Assert.Null(rolledBack.Json["rotation"]);
        Assert.Equal("\"3\"", rolledBack.ETag);
        (await api.RollBackAsync(id)).AssertProblem(409);
    }

    [Theory]
    [InlineData("""{"secret":"new-bearer-token-9876543210","grace_period_seconds":-1}""", "grace_period_seconds", "between 0 seconds")]
    [InlineData("""{"secret":"new-bearer-token-9876543210","grace_period_seconds":604801}""", "grace_period_seconds", "604,800 seconds (7 days)")]
    [InlineData("""{}""", "secret", "cannot generate a Token for Bearer Token")]
    [InlineData("""{"secret":"line\nbreak"}""", "secret", "line breaks")]
    [InlineData("""{"secret":"new-bearer-token-9876543210","key_id":"k2"}""", "key_id", "Only a t=,v1=,key= signature has a Key ID.")]
    public async Task Bad_input_answers_400_with_the_message_under_its_field_and_changes_nothing(string body, string field, string message)
    {
        var id = await BearerAsync();

        var answer = await api.RotateAsync(id, CredentialApiFixture.Json(body));

        answer.AssertProblem(400);
        Assert.Contains(answer.ErrorsOf(field), m => m.Contains(message));
        var read = await api.SendAsync(HttpMethod.Get, $"{RotationApiFixture.Route}/{id}");
        Assert.Null(read.Json["rotation"]);
        Assert.Equal(1, read.Json["version"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_body_that_is_not_json_answers_400_and_an_unknown_credential_404()
    {
        var id = await BearerAsync();

        (await api.RotateAsync(id, CredentialApiFixture.Json("{not json"))).AssertProblem(400);
        (await api.RotateAsync(Guid.NewGuid().ToString(), new { secret = "whatever-token-value" })).AssertProblem(404);
        (await api.RollBackAsync(Guid.NewGuid().ToString())).AssertProblem(404);
    }
}
