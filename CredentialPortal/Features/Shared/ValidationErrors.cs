namespace CredentialPortal.Features.Shared;

/// <summary>Collects field → messages while a rule set runs; the form shows each beside its field.</summary>
public sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> errors = [];

    public void Add(string field, string message)
    {
        if (!errors.TryGetValue(field, out var list))
        {
            errors[field] = list = [];
        }
        if (!list.Contains(message))
        {
            list.Add(message); // two rule sets may say the same thing (the form's rules and the service's merged check)
        }
    }

    /// <summary>Adds every message of another rule set's answer.</summary>
    public void AddAll(IReadOnlyDictionary<string, string[]> messages)
    {
        foreach (var (field, list) in messages)
        {
            foreach (var message in list)
            {
                Add(field, message);
            }
        }
    }

    public bool IsEmpty => errors.Count == 0;

    public Dictionary<string, string[]> ToDictionary() => errors.ToDictionary(e => e.Key, e => e.Value.ToArray());
}
