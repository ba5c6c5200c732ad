using System.Text.Json.Nodes;
using CredentialPortal.Features.Api;

namespace CredentialPortal.Tests.Features.Delivery.Api;

/// <summary>The firing and delivery routes are in the OpenAPI document with a summary and their answers.</summary>
public sealed class DeliveryOpenApiTests(DeliveryApiFixture api) : IClassFixture<DeliveryApiFixture>
{
    [Theory]
    [InlineData("/api/v1/alerts/{alert_id}/fire", "post", "202,400,401,403,404,409,429")]
    [InlineData("/api/v1/events", "post", "202,400,401,403,404,429")]
    [InlineData("/api/v1/deliveries", "get", "200,400,401,403,404,429")]
    [InlineData("/api/v1/deliveries/{delivery_id}", "get", "200,401,403,404,429")]
    [InlineData("/api/v1/deliveries/{delivery_id}/replay", "post", "202,401,403,404,409,429")]
    [InlineData("/api/v1/alerts/{alert_id}/replay-failed", "post", "202,400,401,403,404,409,429")]
    public async Task Each_route_is_documented_with_a_summary_and_its_answers(string path, string method, string codes)
    {
        using var response = await api.Host.Client.GetAsync(OpenApiSetup.DocumentPath);
        var document = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        var operation = document["paths"]?[path]?[method];
        Assert.NotNull(operation);
        Assert.False(string.IsNullOrWhiteSpace(operation["summary"]?.ToString()), $"{method} {path} has no summary");
        Assert.Equal(codes.Split(','), operation["responses"]!.AsObject().Select(r => r.Key).Order());
    }

    [Fact]
    public async Task The_fire_route_documents_its_Idempotency_Key_header()
    {
        using var response = await api.Host.Client.GetAsync(OpenApiSetup.DocumentPath);
        var document = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        var parameters = document["paths"]!["/api/v1/alerts/{alert_id}/fire"]!["post"]!["parameters"]!.AsArray();
        Assert.Contains(parameters, p => p!["name"]!.ToString() == "Idempotency-Key" && p["in"]!.ToString() == "header");
    }
}
