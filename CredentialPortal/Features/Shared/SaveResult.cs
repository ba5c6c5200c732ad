namespace CredentialPortal.Features.Shared;

public enum SaveStatus
{
    Saved,
    Invalid,
    Conflict,
    NotFound,
}

/// <summary>The outcome of a save through a feature service: its status, the id saved, or the messages per field.</summary>
public sealed record SaveResult(SaveStatus Status, int Id = 0, IReadOnlyDictionary<string, string[]>? Errors = null)
{
    public bool Succeeded => Status == SaveStatus.Saved;

    public static SaveResult Invalid(IReadOnlyDictionary<string, string[]> errors) => new(SaveStatus.Invalid, Errors: errors);
}
