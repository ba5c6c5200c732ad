using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using CredentialPortal.Features.Api;
using CredentialPortal.Features.Shared;
using Microsoft.AspNetCore.Mvc;

namespace CredentialPortal.Features.Credentials.Api;

/// <summary>The body of a rotation: the new secret (left out: generated where the portal can) and the grace period.</summary>
public sealed record RotateRequest
{
    [Description("The new secret, token, password, value or RSA private key (PEM). Left out or null: the portal generates " +
                 "one where it can (hmac_signature; oauth2 client_credentials_with_jwt), else 400.")]
    public string? Secret { get; init; }

    [Description("How long the previous secret keeps working, 0 to 604800 seconds; 0 ends it at once. Default 86400 (24 h).")]
    public int? GracePeriodSeconds { get; init; }

    [Description("hmac_signature with format timestamp_signature_key only: the new secret's key id (left out: unchanged).")]
    public string? KeyId { get; init; }

    // Keeps the secret out of logs and debugger displays.
    public override string ToString() => $"Rotate (grace {GracePeriodSeconds} s)";
}

/// <summary>When a credential was last rotated and when its previous secret stops working.</summary>
public sealed record CredentialRotation(DateTime RotatedAt, DateTime? GraceEndsAt);

/// <summary>The rotated credential; a secret the portal generated is in it this once.</summary>
public sealed record RotatedCredentialResource : CredentialResource
{
    [SetsRequiredMembers]
    public RotatedCredentialResource(CredentialResource resource) : base(resource)
    {
    }

    [Description("hmac_signature, when the portal generated the secret: the new secret, shown only in this answer. Hand it to the receiver.")]
    public string? GeneratedSecret { get; init; }
}

/// <summary>Rotate and roll back over HTTP, thin over <see cref="CredentialService"/> (the page's Rotate does the same).</summary>
public static class CredentialRotationEndpoints
{
    public static RouteGroupBuilder MapCredentialRotation(this RouteGroupBuilder group)
    {
        group.MapPost("/{credential_id:guid}/rotate", RotateAsync)
            .WithName("RotateLibraryCredential")
            .WithSummary("Rotate a credential's secret with a grace period")
            .WithDescription("The new secret takes over at once. Until the grace period ends an hmac_signature signs with both " +
                             "secrets (Standard Webhooks: two v1, entries in webhook-signature; t=,v1=,key=: one v1= per secret, " +
                             "newest first) and a JWT credential's JWKS lists both public keys; header types send the new value. " +
                             "Roll back restores the previous secret while the period lasts.")
            .Produces<RotatedCredentialResource>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapPost("/{credential_id:guid}/rollback", RollBackAsync)
            .WithName("RollBackLibraryCredential")
            .WithSummary("Put the previous secret back while the grace period lasts")
            .Produces<CredentialResource>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        return group;
    }

    private static async Task<IResult> RotateAsync(
        [FromRoute(Name = "credential_id")] Guid credentialId,
        RotateRequest body,
        CredentialService credentials,
        HttpContext context,
        CancellationToken cancellationToken)
    {
        if (await credentials.FindIdAsync(credentialId, cancellationToken) is not int id)
        {
            return NotFound();
        }
        var input = new RotationInput
        {
            Secret = body.Secret,
            Generate = body.Secret is null,
            GracePeriodSeconds = body.GracePeriodSeconds ?? RotationRules.DefaultGracePeriodSeconds,
            KeyId = body.KeyId,
        };
        var result = await credentials.RotateAsync(id, input, cancellationToken);
        switch (result.Status)
        {
            case SaveStatus.NotFound:
                return NotFound();
            case SaveStatus.Invalid:
                return ApiProblems.Invalid(Fields(result.Errors!));
            case SaveStatus.Conflict:
                return ChangedMeanwhile();
        }
        var rotated = await credentials.GetForEditAsync(id, cancellationToken);
        if (rotated is null)
        {
            return NotFound();
        }
        context.Response.Headers.ETag = CredentialEndpoints.ETagOf(rotated.Version);
        return TypedResults.Ok(new RotatedCredentialResource(CredentialResource.From(credentialId, rotated))
        {
            GeneratedSecret = result.GeneratedSecret,
        });
    }

    private static async Task<IResult> RollBackAsync(
        [FromRoute(Name = "credential_id")] Guid credentialId, CredentialService credentials, HttpContext context, CancellationToken cancellationToken)
    {
        if (await credentials.FindIdAsync(credentialId, cancellationToken) is not int id)
        {
            return NotFound();
        }
        var result = await credentials.RollBackAsync(id, cancellationToken);
        switch (result.Status)
        {
            case SaveStatus.NotFound:
                return NotFound();
            case SaveStatus.Conflict when result.Errors is { } errors:
                return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Nothing to roll back", detail: errors[""][0]);
            case SaveStatus.Conflict:
                return ChangedMeanwhile();
        }
        var restored = await credentials.GetForEditAsync(id, cancellationToken);
        if (restored is null)
        {
            return NotFound();
        }
        context.Response.Headers.ETag = CredentialEndpoints.ETagOf(restored.Version);
        return TypedResults.Ok(CredentialResource.From(credentialId, restored));
    }

    /// <summary>The rules' fields under the request's names.</summary>
    private static Dictionary<string, string[]> Fields(IReadOnlyDictionary<string, string[]> errors) => errors.ToDictionary(
        e => e.Key switch
        {
            nameof(RotationInput.GracePeriodSeconds) => "grace_period_seconds",
            nameof(RotationInput.KeyId) => "key_id",
            _ => "secret",
        },
        e => e.Value);

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult ChangedMeanwhile() => TypedResults.Problem(
        statusCode: StatusCodes.Status409Conflict,
        title: "Credential changed",
        detail: "The credential was changed while it was being rotated; nothing was saved. Try again.");

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult NotFound() => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "Not found",
        detail: "No webhook credential has this credential_id.");
}
