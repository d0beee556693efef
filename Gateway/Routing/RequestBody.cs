namespace Distribution.Aspire.Gateway.Routing;

internal static class RequestBody
{
    /// <summary>
    /// Reads the whole body (a signature covers its exact bytes) and puts it back for forwarding. Kestrel's body
    /// size limit, set per route group, stops an oversized body while it is read.
    /// </summary>
    public static async Task<byte[]> BufferAsync(HttpContext context, long maxBytes)
    {
        byte[] body;
        if (context.Request.ContentLength is long length)
        {
            if (length > maxBytes)
            {
                throw new BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge);
            }

            body = new byte[length];
            await context.Request.Body.ReadExactlyAsync(body, context.RequestAborted);
        }
        else
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
            if (buffer.Length > maxBytes)
            {
                throw new BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge);
            }

            body = buffer.ToArray();
        }

        context.Request.Body = new MemoryStream(body, writable: false);
        return body;
    }
}
