using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CredentialPortal.Tests.Infrastructure;

namespace CredentialPortal.Tests.Features.Credentials.Api;

/// <summary>One portal with the API for a test class (start-up is the slow part), and the calls its tests make.</summary>
public sealed class CredentialApiFixture : IAsyncLifetime
{
    public const string Route = "/api/v1/webhook-credentials";

    public ApiHost Host { get; } = new();

    public HttpClient Client => Host.Client;

    public Task InitializeAsync()
    {
        _ = Host.Client; // starts the app
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static StringContent Json(object body) => Json(JsonSerializer.Serialize(body));

    /// <summary>The answer and its raw body (read once, to search it for secrets as well as parse it).</summary>
    public async Task<ApiAnswer> SendAsync(HttpMethod method, string path, object? body = null, string? ifMatch = null, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = body as HttpContent ?? Json(body);
        }
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }
        using var response = await Client.SendAsync(request);
        var raw = await response.Content.ReadAsStringAsync();
        return new ApiAnswer((int)response.StatusCode, raw, response.Headers.ETag?.ToString(), response.Headers.Location?.ToString(),
            response.Content.Headers.ContentType?.MediaType);
    }

    public Task<ApiAnswer> CreateAsync(object body, string? idempotencyKey = null) => SendAsync(HttpMethod.Post, Route, body, idempotencyKey: idempotencyKey);

    public Task<ApiAnswer> GetAsync(string credentialId) => SendAsync(HttpMethod.Get, $"{Route}/{credentialId}");
}

public sealed record ApiAnswer(int Status, string Raw, string? ETag, string? Location, string? MediaType)
{
    public JsonNode Json => JsonNode.Parse(Raw)!;

    /// <summary>A top-level property as text (a JSON string unquoted), or null when absent or null.</summary>
    public string? this[string property] => Json[property]?.ToString();

    public string CredentialId => this["credential_id"]!;

    /// <summary>The messages of a validation problem for one field.</summary>
    public IReadOnlyList<string> ErrorsOf(string field) =>
        Json["errors"]?[field]?.AsArray().Select(m => m!.GetValue<string>()).ToList() ?? [];

    /// <summary>No secret sent anywhere in the request appears anywhere in the answer, in any form JSON could carry it.</summary>
    public void AssertHolds(int status, params string[] secrets)
    {
        Assert.True(status == Status, $"Expected {status}, got {Status}: {Raw}");
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, Raw, StringComparison.Ordinal);
            Assert.DoesNotContain(JsonSerializer.Serialize(secret).Trim('"'), Raw, StringComparison.Ordinal);
        }
    }
}

internal static class ProblemJson
{
    public static void AssertProblem(this ApiAnswer answer, int status)
    {
        Assert.True(status == answer.Status, $"Expected {status}, got {answer.Status}: {answer.Raw}");
        Assert.Equal("application/problem+json", answer.MediaType);
        Assert.Equal(status, answer.Json["status"]!.GetValue<int>());
        // Every API error says what went wrong in words, not only by field.
        Assert.False(string.IsNullOrWhiteSpace(answer.Json["detail"]?.GetValue<string>()), $"No detail: {answer.Raw}");
    }
}
