// Called by OpenAiSdkTest: the official OpenAI Node SDK against `vlm2vec serve`.
// Usage: node embeddings.mjs BASE_URL API_KEY; prints one JSON object with what the SDK returned.
import OpenAI from 'openai';

const [baseURL, apiKey] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0 });
const input = ['a dog on a beach', 'a red car'];

// Without encoding_format the SDK asks for base64 and decodes it itself.
const sdkDefault = await client.embeddings.create({ model: 'tiny', input });
const floats = await client.embeddings.create({ model: 'tiny', input, encoding_format: 'float' });
const base64 = await client.embeddings.create({ model: 'tiny', input, encoding_format: 'base64' });
const decoded = base64.data.map((item) => {
  const bytes = Buffer.from(item.embedding, 'base64');
  return Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4));
});
let unauthorized = null;
try {
  await new OpenAI({ baseURL, apiKey: 'wrong', maxRetries: 0 }).embeddings.create({ model: 'tiny', input: 'x' });
} catch (error) {
  unauthorized = { status: error.status, message: error.message };
}
console.log(JSON.stringify({
  default: sdkDefault.data.map((item) => item.embedding),
  float: floats.data.map((item) => item.embedding),
  base64: decoded,
  indices: floats.data.map((item) => item.index),
  usage: floats.usage,
  model: floats.model,
  unauthorized,
}));
