using System.Security.Cryptography;
using System.Text;

namespace CredentialPortal.Components.Account;

/// <summary>
/// The one-time code the setup page asks for while the portal has no user: printed to the console at start-up, so that
/// only whoever runs the portal (not the first visitor on the network) can create the first administrator.
/// </summary>
public sealed class SetupCode
{
    // No 0/O or 1/I: the code is read off a console and typed by hand.
    private const string Alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    private readonly Lock gate = new();
    private string? value;

    /// <summary>The current code, or null when none is needed (an administrator exists).</summary>
    public string? Value
    {
        get
        {
            lock (gate)
            {
                return value;
            }
        }
    }

    /// <summary>Makes a new code: 20 characters from 32, about 100 bits, shown in groups of four.</summary>
    public string Generate()
    {
        var code = string.Join('-', RandomNumberGenerator.GetString(Alphabet, 20).Chunk(4).Select(group => new string(group)));
        lock (gate)
        {
            value = code;
        }
        return code;
    }

    /// <summary>Whether <paramref name="candidate"/> is the current code (case, spaces and dashes ignored).</summary>
    public bool Matches(string? candidate)
    {
        var expected = Value;
        if (expected is null || string.IsNullOrWhiteSpace(candidate))
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(
            Encoding.UTF8.GetBytes(Normalize(expected)), Encoding.UTF8.GetBytes(Normalize(candidate)));
    }

    /// <summary>Once the first administrator exists the code is spent.</summary>
    public void Spend()
    {
        lock (gate)
        {
            value = null;
        }
    }

    private static string Normalize(string code) =>
        new(code.Where(c => !char.IsWhiteSpace(c) && c != '-').Select(char.ToUpperInvariant).ToArray());
}
